package dev.pledge.participant;

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

/** The runnable participant as other tools start it: a separate JVM that prints one ready line. */
class ParticipantMainTest {
    @TempDir
    Path dataDir;

    @Test
    void printsTheReadyLineWithItsPortAndIncarnation() throws Exception {
        long startedAtMs = System.currentTimeMillis();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                ParticipantMain.class.getName(), "--id", "A", "--listen", "127.0.0.1:0",
                "--data-dir", dataDir.toString(), "--coordinator", "127.0.0.1:7000"))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).matches("participant A listening on 127\\.0\\.0\\.1:[1-9][0-9]* incarnation \\d+");
            // Made from the start time, so a participant on an empty disk never repeats an incarnation.
            long incarnation = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
            assertThat(incarnation / Incarnations.SPAN).isBetween(startedAtMs, System.currentTimeMillis());
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }
}
