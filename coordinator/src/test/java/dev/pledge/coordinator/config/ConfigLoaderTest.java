package dev.pledge.coordinator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.rpc.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private static Properties minimal() {
        Properties p = new Properties();
        p.setProperty("node.id", "coord-1");
        p.setProperty("listen", "127.0.0.1:7000");
        p.setProperty("data.dir", "/tmp/pledge");
        p.setProperty("participant.student-a", "10.0.0.2:7101");
        return p;
    }

    @Test
    void aPropertiesFileNamesTheNodeItsAddressDataAndParticipantRegistry() throws IOException {
        Path file = dir.resolve("coord.properties");
        Files.writeString(file, "node.id=coord-1\nlisten=0.0.0.0:7000\ndata.dir=" + dir + "\n"
                + "participant.student-a=10.0.0.2:7101\nparticipant.course-c=10.0.0.4:7103\n"
                + "retention.ms=5000\nparticipant.call.timeout.ms=700\n");
        CoordinatorConfig c = ConfigLoader.load(file);
        assertThat(c.nodeId()).isEqualTo("coord-1");
        assertThat(c.listen()).isEqualTo(new Endpoint("0.0.0.0", 7000));
        assertThat(c.participants()).isEqualTo(Map.of("student-a", new Endpoint("10.0.0.2", 7101),
                "course-c", new Endpoint("10.0.0.4", 7103)));
        assertThat(c.retentionMs()).isEqualTo(5000);
        assertThat(c.participantCallTimeoutMs()).isEqualTo(700);
        assertThat(c.coreConfig().participantIds()).containsExactlyInAnyOrder("student-a", "course-c");
    }

    @Test
    void anUnknownKeyIsRejectedRatherThanIgnored() {
        Properties p = minimal();
        p.setProperty("retention.msec", "5");
        assertThatThrownBy(() -> ConfigLoader.fromProperties(p)).hasMessageContaining("retention.msec");
    }

    @Test
    void aMissingRequiredKeyIsNamed() {
        Properties p = minimal();
        p.remove("data.dir");
        assertThatThrownBy(() -> ConfigLoader.fromProperties(p)).hasMessage("missing configuration key: data.dir");
    }

    @Test
    void inconsistentTimeoutsAreRejected() {
        Properties p = minimal();
        p.setProperty("tx.timeout.min.ms", "5000");
        p.setProperty("tx.timeout.default.ms", "1000");
        assertThatThrownBy(() -> ConfigLoader.fromProperties(p)).isInstanceOf(IllegalArgumentException.class);
    }
}
