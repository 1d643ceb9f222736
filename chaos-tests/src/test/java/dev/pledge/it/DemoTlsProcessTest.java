package dev.pledge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.demo.launch.NodeProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 4: {@code ./pledge demo up --tls --chaos} as a user runs it, in real processes:
 * every node serves TLS 1.3 with client certificates, the workload, the probes and the audits
 * speak it too, nodes are killed and restarted, and every audit is CLEAN. The demo's own commands,
 * run beside it, find the certificates it made.
 */
class DemoTlsProcessTest {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
    /** Three machines start, run, and after chaos wait for every branch to resolve: longer than single nodes. */
    private static final Duration REPLICATED_RUN_TIMEOUT = Duration.ofMinutes(5);
    /** An audit beside a running workload may find no consistent snapshot (exit 2) and is asked again. */
    private static final int AUDIT_ROUNDS_MAX = 5;
    private static final Duration NODES_EXIT_MAX = Duration.ofSeconds(30);

    private NodeProcess demo;

    /** The demo's nodes leave on their own once it is gone, closing their stores; the temporary directory goes after them. */
    @AfterEach
    void stop() {
        if (demo != null) assertThat(demo.stopWithDescendants(Duration.ofSeconds(30), NODES_EXIT_MAX)).as("nodes left running").isEmpty();
    }

    @Test
    void demoAuditAndStatusFindTheCertificatesOfDemoUpTls(@TempDir Path root) throws Exception {
        Path data = root.resolve("demo");
        demo = NodeProcess.start("demo", NodeProcess.ownClassPath(), "dev.pledge.demo.DemoMain", LocalCluster.JVM_FAST_START,
                List.of("demo", "--data-dir", data.toString(), "up", "--base-port", "0", "--dashboard-port", "0", "--tls",
                        "--duration-s", "120", "--students", "100", "--courses", "10", "--clients", "1", "--mix", "uniform"),
                root.resolve("demo.log"), null, RUN_TIMEOUT);
        demo.awaitLine(Pattern.compile("running the uniform mix"), RUN_TIMEOUT);

        Cli audit = cli(data, "audit");
        for (int round = 1; audit.exit() == 2 && round < AUDIT_ROUNDS_MAX; round++) audit = cli(data, "audit"); // lock conflicts
        assertThat(audit.exit()).as(audit.output()).isZero();
        assertThat(audit.output()).contains("audit: CLEAN");

        Cli status = cli(data, "status");
        assertThat(status.exit()).as(status.output()).isZero();
        assertThat(status.output()).contains("coord-1").contains("course-c").doesNotContain("DOWN");
    }

    private record Cli(int exit, String output) {}

    /** {@code pledge demo --data-dir DATA COMMAND} in its own JVM, as a user runs it next to {@code demo up}. */
    private static Cli cli(Path data, String command) throws Exception {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        line.addAll(LocalCluster.JVM_FAST_START);
        line.addAll(List.of("-cp", NodeProcess.ownClassPath(), "dev.pledge.demo.DemoMain", "demo", "--data-dir", data.toString(), command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("demo " + command + " ended").isTrue();
        return new Cli(p.exitValue(), output);
    }

    /**
     * Issue 17 with issue 15: {@code ./pledge demo up --replicas 3 --tls --chaos}. Each machine's
     * coordinator, shard replicas and Raft server present their own certificates; machines are
     * killed, frozen and now and then wiped (a replacement on an empty disk rejoins every group over
     * TLS); every audit is CLEAN.
     */
    @Test
    void theReplicatedDemoOverTlsWithMachineChaosAuditsClean(@TempDir Path root) throws Exception {
        Path data = root.resolve("demo");
        demo = NodeProcess.start("demo", NodeProcess.ownClassPath(), "dev.pledge.demo.DemoMain", LocalCluster.JVM_FAST_START,
                List.of("demo", "--data-dir", data.toString(), "up", "--base-port", "0", "--dashboard-port", "0",
                        "--replicas", "3", "--tls", "--chaos", "--chaos-every-s", "4", "--duration-s", "20",
                        "--students", "100", "--courses", "10", "--clients", "2", "--audit-every-s", "5"),
                root.resolve("demo.log"), null, REPLICATED_RUN_TIMEOUT);

        String last = demo.awaitLine(Pattern.compile("^\\S+\\s+done:|could not"), REPLICATED_RUN_TIMEOUT);

        System.out.print(demo.output());
        assertThat(last).as(demo.output()).contains("final audit CLEAN");
        assertThat(demo.output()).contains("TLS 1.3 with client certificates on every link, Raft's included")
                .containsPattern("SIG(KILL|STOP) machine m\\d.*every shard led again").doesNotContain("VIOLATIONS");
        for (String machine : List.of("m1", "m2", "m3")) {
            String log = Files.readString(data.resolve(machine + ".log"));
            assertThat(log).as(machine + "'s log").contains("Raft over TLSv1.3 with client certificates")
                    .doesNotContain("plain TCP").doesNotContain("plain gRPC");
            assertThat(Files.exists(data.resolve("certs").resolve(machine + ".p12"))).isTrue();
            assertThat(Files.exists(data.resolve("certs").resolve("coord-" + machine + ".p12"))).isTrue();
        }
    }

    @Test
    void theDemoOverTlsWithChaosAuditsClean(@TempDir Path root) throws Exception {
        Path data = root.resolve("demo");
        demo = NodeProcess.start("demo", NodeProcess.ownClassPath(), "dev.pledge.demo.DemoMain", LocalCluster.JVM_FAST_START,
                List.of("demo", "--data-dir", data.toString(), "up", "--base-port", "0", "--dashboard-port", "0",
                        "--tls", "--chaos", "--chaos-every-s", "3", "--duration-s", "12",
                        "--students", "200", "--courses", "20", "--clients", "4", "--audit-every-s", "4"),
                root.resolve("demo.log"), null, RUN_TIMEOUT);

        String last = demo.awaitLine(Pattern.compile("^\\S+\\s+done:|could not"), RUN_TIMEOUT);

        assertThat(last).contains("final audit CLEAN");
        assertThat(demo.output()).contains("TLS 1.3 with client certificates on every link").doesNotContain("VIOLATIONS");
        for (String node : List.of("coordinator", "student-a", "student-b", "course-c")) {
            String log = Files.readString(data.resolve(node + ".log"));
            assertThat(log).as(node + "'s log").contains("with client certificates").doesNotContain("plain TCP");
        }
        assertThat(Files.exists(data.resolve("certs").resolve("course-c.p12"))).isTrue();
    }
}
