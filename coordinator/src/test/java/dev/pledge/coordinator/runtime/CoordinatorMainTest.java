package dev.pledge.coordinator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.Incarnations;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in its own JVM, as the demo and the chaos suite start it. */
class CoordinatorMainTest {
    private static final long WAIT_S = 60;

    @TempDir
    Path dataDir;

    private static List<String> command(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CoordinatorMain.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void printsTheReadyLineWithItsPortAndEpochAndASecondOnTheSameDataDirFailsInOneLine() throws Exception {
        long startedAtMs = System.currentTimeMillis();
        Process first = new ProcessBuilder(command("--node-id", "coord-7", "--listen", "127.0.0.1:0",
                "--data-dir", dataDir.toString(), "--participant", "student-a=127.0.0.1:1"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine(); // blocks until the node serves, or null if it died
            assertThat(ready).matches("coordinator coord-7 listening on 127\\.0\\.0\\.1:\\d+ epoch \\d+");
            // The epoch is made from the start time, so a node on an empty disk never reuses one.
            long epoch = Long.parseLong(ready.substring(ready.lastIndexOf(' ') + 1));
            assertThat(epoch / Incarnations.SPAN).isBetween(startedAtMs, System.currentTimeMillis());

            Process second = new ProcessBuilder(command("--node-id", "coord-7", "--listen", "127.0.0.1:0",
                    "--data-dir", dataDir.toString()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(second.waitFor(WAIT_S, TimeUnit.SECONDS)).isTrue();
            String error = new String(second.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(second.exitValue()).isNotZero();
            assertThat(error).contains("data dir " + dataDir + " is in use by another process");
        } finally {
            first.destroy();
            first.waitFor(WAIT_S, TimeUnit.SECONDS);
        }
    }
}
