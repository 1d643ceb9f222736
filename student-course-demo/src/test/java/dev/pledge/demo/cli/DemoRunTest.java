package dev.pledge.demo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.demo.DemoMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code demo run} refuses bad options with a message naming them, before it contacts any node. */
class DemoRunTest {
    /** Nothing listens on port 1: a run that got past its checks would fail on reaching the nodes. */
    private static final List<String> UNREACHABLE_CLUSTER = List.of("--coordinator", "127.0.0.1:1",
            "--student-a", "127.0.0.1:1", "--student-b", "127.0.0.1:1", "--course-c", "127.0.0.1:1", "--wait-for-nodes-s", "1");

    @TempDir
    Path dataDir;

    @Test
    void aNonPositiveCountIsRefusedBeforeAnyNodeIsContacted() {
        Outcome o = run("--clients", "0");
        assertThat(o.exit()).isNotZero();
        assertThat(o.err()).contains("--clients must be >= 1, was 0").doesNotContain("no answer within");
    }

    @Test
    void anAddressWithoutAPortIsAUsageErrorNamingTheOption() {
        Outcome o = run("--course-c", "course-c");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err()).contains("--course-c").contains("not host:port: 'course-c'");
    }

    private record Outcome(int exit, String err) {}

    private Outcome run(String... overrides) {
        List<String> args = new ArrayList<>(List.of("demo", "--data-dir", dataDir.toString(), "run"));
        args.addAll(UNREACHABLE_CLUSTER);
        args.addAll(List.of(overrides));
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new DemoMain()).setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
        return new Outcome(exit, err.toString());
    }
}
