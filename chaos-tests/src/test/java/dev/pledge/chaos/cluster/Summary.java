package dev.pledge.chaos.cluster;

import dev.pledge.demo.client.OpResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The run's table: faults injected by kind, transactions by outcome, and the longest heal-to-resolution time. */
final class Summary {
    private Summary() {}

    static String table(String run, long seed, double minutes, FaultLog faults, Iterable<OpRecord> records, CheckReport report,
                        Map<String, Long> fromNodeLogs) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%n=== %s summary (seed %d, workload %.1f min) ===%n", run, seed, minutes));
        sb.append(String.format(Locale.ROOT, "%-46s %8s%n", "fault injected", "count"));
        int total = 0;
        for (Map.Entry<FaultKind, Integer> e : faults.injectedByKind().entrySet()) {
            sb.append(String.format(Locale.ROOT, "%-46s %8d%n", e.getKey(), e.getValue()));
            total += e.getValue();
        }
        sb.append(String.format(Locale.ROOT, "%-46s %8d%n%n", "all faults", total));

        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, String> example = new TreeMap<>();
        int all = 0;
        for (OpRecord r : records) {
            String key = outcome(r.result());
            outcomes.merge(key, 1, Integer::sum);
            example.putIfAbsent(key, r.result().reason() == null ? "" : r.result().reason());
            all++;
        }
        sb.append(String.format(Locale.ROOT, "%-46s %8s   %s%n", "transaction outcome (as the client saw it)", "count", "e.g."));
        outcomes.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%-46s %8d   %s%n", k, v, clip(example.get(k)))));
        sb.append(String.format(Locale.ROOT, "%-46s %8d%n", "all transactions", all));
        report.inDoubtResolvedAs().forEach((k, v) ->
                sb.append(String.format(Locale.ROOT, "%-46s %8d%n", "in doubt, resolved " + k, v)));
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "%-46s %8s%n", "longest heal -> resolution of what it left in doubt",
                faults.resolutionMsMax() < 0 ? "n/a" : faults.resolutionMsMax() + " ms"));
        sb.append(String.format(Locale.ROOT, "%-46s %8s%n", "  (after fault kind)", faults.slowestKind()));
        sb.append(String.format(Locale.ROOT, "%-46s %8s%n", "faults whose in-doubt branches did not resolve", faults.unresolved()));
        sb.append(String.format(Locale.ROOT, "%-46s %8s%n", "last heal -> quiesced (incl. workload drain)",
                report.quiesceMs < 0 ? "n/a" : report.quiesceMs + " ms"));
        fromNodeLogs.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%-46s %8d%n", k, v)));
        report.coverage().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%-46s %8d%n", k, v)));
        sb.append(report).append('\n');
        return sb.toString();
    }

    /** Keeps the last run's table where a person finds it after `mvn verify` (a test's TempDir goes away). */
    static void keepForTheRecord(String fileName, String summary, FaultLog faults) {
        try {
            Path out = Path.of("target", "chaos");
            Files.createDirectories(out);
            Files.writeString(out.resolve(fileName), summary + String.join("\n", faults.lines()) + "\n");
        } catch (IOException e) {
            System.out.println("could not keep the summary under target/chaos: " + e);
        }
    }

    private static String clip(String s) {
        String one = s.replace('\n', ' ');
        return one.length() > 90 ? one.substring(0, 90) + "..." : one;
    }

    /** COMMITTED, IN_DOUBT, or the kind with its reason code (the text before the first colon). */
    private static String outcome(OpResult r) {
        if (r.kind() == OpResult.Kind.COMMITTED || r.kind() == OpResult.Kind.IN_DOUBT) return r.kind().name();
        String reason = r.reason() == null ? "" : r.reason();
        int colon = reason.indexOf(':');
        String code = (colon > 0 ? reason.substring(0, colon) : reason).trim();
        if (code.length() > 30) code = code.substring(0, 30);
        return r.kind() + " " + (code.isEmpty() ? "?" : code);
    }
}
