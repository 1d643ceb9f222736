package dev.pledge.coordinator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.coordinator.protocol.CoreConfig;
import dev.pledge.core.config.ConfigLoader;
import dev.pledge.rpc.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoordinatorSettingsTest {
    @TempDir
    Path dir;

    private CoordinatorConfig load(String... args) throws IOException {
        return CoordinatorSettings.config(ConfigLoader.load(CoordinatorSettings.SCHEMA, List.of(args)));
    }

    @Test
    void aPropertiesFileNamesTheNodeItsAddressDataAndParticipantRegistryBySection() throws IOException {
        Path file = dir.resolve("coord.properties");
        Files.writeString(file, "core.node-id=coord-1\nrpc.listen=0.0.0.0:7000\nstorage.data-dir=" + dir + "\n"
                + "rpc.participant.student-a=10.0.0.2:7101\nrpc.participant.course-c=10.0.0.4:7103\n"
                + "core.retention-ms=5000\nrpc.participant-call-timeout-ms=700\ncore.random-seed=42\n");
        CoordinatorConfig c = load("--config", file.toString());
        assertThat(c.core().nodeId()).isEqualTo("coord-1");
        assertThat(c.rpc().listen()).isEqualTo(new Endpoint("0.0.0.0", 7000));
        assertThat(c.rpc().participants()).isEqualTo(Map.of("student-a", new Endpoint("10.0.0.2", 7101),
                "course-c", new Endpoint("10.0.0.4", 7103)));
        assertThat(c.storage().dataDir()).isEqualTo(dir);
        assertThat(c.core().retentionMs()).isEqualTo(5000);
        assertThat(c.core().randomSeed()).isEqualTo(42);
        assertThat(c.rpc().participantCallTimeoutMs()).isEqualTo(700);
        assertThat(c.rpc().metrics()).isNull();
        assertThat(c.coreConfig().participantIds()).containsExactlyInAnyOrder("student-a", "course-c");
    }

    @Test
    void aReplicatedParticipantIsRegisteredWithEveryReplica() throws IOException {
        CoordinatorConfig c = load("--node-id", "coord-1", "--listen", "127.0.0.1:0", "--data-dir", dir.toString(),
                "--participant", "student-a=10.0.0.2:7101",
                "--participant", "course-c=10.0.0.4:7103, 10.0.0.5:7103,10.0.0.6:7103");
        assertThat(c.rpc().participants()).isEqualTo(Map.of("student-a", new Endpoint("10.0.0.2", 7101),
                "course-c", new Endpoint("10.0.0.4", 7103)));
        assertThat(c.rpc().participantReplicas()).isEqualTo(Map.of("course-c", List.of(new Endpoint("10.0.0.4", 7103),
                new Endpoint("10.0.0.5", 7103), new Endpoint("10.0.0.6", 7103))));
        assertThat(c.coreConfig().participantIds()).containsExactlyInAnyOrder("student-a", "course-c");
    }

    @Test
    void theFlagsTheDemoAndTheChaosSuitePassStillWork() throws IOException {
        CoordinatorConfig c = load("--node-id", "coord-7", "--listen", "127.0.0.1:0", "--data-dir", dir.toString(),
                "--participant", "student-a=127.0.0.1:1", "--sender-threads-max", "1", "--metrics", "127.0.0.1:0",
                "--seed", "9", "--retention-ms", "100", "--tx-timeout-ms", "2000");
        assertThat(c.core().nodeId()).isEqualTo("coord-7");
        assertThat(c.rpc().participants()).isEqualTo(Map.of("student-a", new Endpoint("127.0.0.1", 1)));
        assertThat(c.rpc().senderThreadsMax()).isEqualTo(1);
        assertThat(c.rpc().metrics()).isEqualTo(new Endpoint("127.0.0.1", 0));
        assertThat(c.core().randomSeed()).isEqualTo(9);
        assertThat(c.core().retentionMs()).isEqualTo(100);
        assertThat(c.core().txTimeoutDefaultMs()).isEqualTo(2000);
    }

    @Test
    void theDefaultsAreTheProtocolCoresOwn() throws IOException {
        CoordinatorConfig c = load("--node-id", "c", "--listen", "127.0.0.1:0", "--data-dir", dir.toString());
        CoreConfig core = CoreConfig.of("c", Set.of());
        assertThat(c.coreConfig()).isEqualTo(core);
        assertThat(CoordinatorConfig.defaults("c", new Endpoint("127.0.0.1", 0), dir, Map.of()).coreConfig()).isEqualTo(core);
    }

    @Test
    void aMissingRequiredKeyIsNamed() {
        assertThatThrownBy(() -> load("--node-id", "c", "--listen", "127.0.0.1:0"))
                .hasMessage("missing configuration key storage.data-dir (flag --data-dir)");
    }

    @Test
    void aBadAddressIsRefusedNamingItsKey() {
        assertThatThrownBy(() -> load("--node-id", "c", "--listen", "nowhere", "--data-dir", dir.toString()))
                .hasMessageStartingWith("rpc.listen: not an endpoint");
    }

    @Test
    void inconsistentTimeoutsAreRejected() {
        assertThatThrownBy(() -> load("--node-id", "c", "--listen", "127.0.0.1:0", "--data-dir", dir.toString(),
                "--core.tx-timeout-min-ms=5000", "--tx-timeout-default-ms=1000"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("txTimeoutMinMs <= txTimeoutDefaultMs");
    }

    @Test
    void aNodeIdOverTheLimitIsRefusedAtStartUpNamingTheKeyAndTheLimit() {
        String longId = "c".repeat(dev.pledge.core.Limits.ID_CHARS_MAX + 1);
        assertThatThrownBy(() -> load("--node-id", longId, "--listen", "127.0.0.1:0", "--data-dir", dir.toString()))
                .hasMessageContaining("core.node-id").hasMessageContaining("ID_CHARS_MAX");
    }
}
