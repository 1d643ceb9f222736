package dev.pledge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.demo.launch.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 4: {@code ./pledge demo up --tls --chaos} as a user runs it, in real processes:
 * every node serves TLS 1.3 with client certificates, the workload, the probes and the audits
 * speak it too, nodes are killed and restarted, and every audit is CLEAN.
 */
class DemoTlsProcessTest {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    private NodeProcess demo;

    @AfterEach
    void stop() {
        if (demo != null) demo.stop(Duration.ofSeconds(30));
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

        // The nodes leave on their own once the demo is gone; the temporary directory goes after them.
        demo.stop(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.allProcesses().noneMatch(
                p -> p.info().commandLine().map(c -> c.contains(data.toString())).orElse(false)));
    }
}
