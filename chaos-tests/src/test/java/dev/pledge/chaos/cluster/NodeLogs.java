package dev.pledge.chaos.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Counts, in the nodes' logs (every incarnation), the transitions that show which mitigations ran. */
final class NodeLogs {
    private static final Map<String, String> EVIDENCE = evidence();

    private NodeLogs() {}

    private static Map<String, String> evidence() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("prepared branches decided by a peer (coop. term.)", "(cooperative termination)");
        m.put("unvoted branches aborted because a peer asked", "asked before this branch voted");
        m.put("prepared branches decided by asking coordinator", "coordinator status ");
        return m;
    }

    /** The counts over {@code root/<name>.log} for each of {@code logNames} (participants, or machines hosting them). */
    static Map<String, Long> evidence(Path root, List<String> logNames) {
        Map<String, Long> counts = new LinkedHashMap<>();
        EVIDENCE.forEach((label, text) -> {
            long n = 0;
            for (String p : logNames) n += count(root.resolve(p + ".log"), text);
            counts.put(label, n);
        });
        return counts;
    }

    private static long count(Path log, String text) {
        if (!Files.exists(log)) return 0;
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(text)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
