package dev.pledge.participant.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.core.config.ConfigLoader;
import dev.pledge.participant.protocol.CoreConfig;
import dev.pledge.rpc.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParticipantSettingsTest {
    @TempDir
    Path dir;

    private ParticipantConfig load(String... args) throws IOException {
        return ParticipantSettings.config(ConfigLoader.load(ParticipantSettings.SCHEMA, List.of(args)));
    }

    @Test
    void aPropertiesFileConfiguresEverySection() throws IOException {
        Path file = dir.resolve("course-c.properties");
        Files.writeString(file, "core.participant-id=course-c\ncore.lock-wait-max-ms=750\n"
                + "rpc.listen=0.0.0.0:7103\nrpc.coordinator=10.0.0.1:7000\nrpc.peer.student-a=10.0.0.2:7101\n"
                + "rpc.metrics=0.0.0.0:9103\nstorage.data-dir=" + dir + "\nstorage.log-queue-max=128\n");
        ParticipantConfig c = load("--config", file.toString(), "--lock-wait-max-ms", "900");
        assertThat(c.core().participantId()).isEqualTo("course-c");
        assertThat(c.core().lockWaitMaxMs()).isEqualTo(900); // the flag beats the file
        assertThat(c.rpc().listen()).isEqualTo(new Endpoint("0.0.0.0", 7103));
        assertThat(c.rpc().coordinator()).isEqualTo(new Endpoint("10.0.0.1", 7000));
        assertThat(c.rpc().peers()).isEqualTo(Map.of("student-a", new Endpoint("10.0.0.2", 7101)));
        assertThat(c.metrics()).isEqualTo(new MetricsConfig(new Endpoint("0.0.0.0", 9103), 5_000));
        assertThat(c.storage().dataDir()).isEqualTo(dir);
        assertThat(c.storage().logQueueMax()).isEqualTo(128);
    }

    @Test
    void aParticipantIsUnreplicatedUnlessItNamesItsReplicas() throws IOException {
        assertThat(load("--id", "C", "--data-dir", dir.toString(), "--coordinator", "127.0.0.1:7000").replication()).isNull();

        ParticipantConfig c = load("--id", "C", "--data-dir", dir.toString(), "--coordinator", "127.0.0.1:7000",
                "--replica-id", "m2", "--replica", "m1=10.0.0.1:7203/10.0.0.1:7103",
                "--replica", "m2=10.0.0.2:7203/10.0.0.2:7103", "--replica", "m3=10.0.0.3:7203/10.0.0.3:7103");

        assertThat(c.replication().selfId()).isEqualTo("m2");
        assertThat(c.replication().replicas().get("m1")).isEqualTo(new ParticipantConfig.Replica(
                new Endpoint("10.0.0.1", 7203), new Endpoint("10.0.0.1", 7103)));
        assertThat(c.replication().rpcEndpoints()).containsExactly(new Endpoint("10.0.0.1", 7103),
                new Endpoint("10.0.0.2", 7103), new Endpoint("10.0.0.3", 7103));
        assertThatThrownBy(() -> load("--id", "C", "--data-dir", dir.toString(), "--coordinator", "127.0.0.1:7000",
                "--replica-id", "m4", "--replica", "m1=10.0.0.1:7203/10.0.0.1:7103"))
                .hasMessageContaining("replica m4 is not among the shard's replicas [m1]");
    }

    private static final String[] REPLICATED = {"--id", "C", "--data-dir", "/tmp/c", "--coordinator", "127.0.0.1:7000",
            "--replica-id", "m1", "--replica", "m1=10.0.0.1:7203/10.0.0.1:7103"};

    private ParticipantConfig loadReplicated(String... more) throws IOException {
        return load(Stream.concat(Arrays.stream(REPLICATED), Arrays.stream(more)).toArray(String[]::new));
    }

    @Test
    void aReplicatedShardTakesItsRaftLimitsFromTheReplicationKeys() throws IOException {
        assertThat(loadReplicated().replication().settings()).isEqualTo(ReplicationSettings.DEFAULTS);

        ReplicationSettings s = loadReplicated("--election-timeout-min-ms", "300", "--election-timeout-max-ms", "900",
                "--write-timeout-ms", "4000", "--write-retry-sleep-ms", "20", "--snapshot-every-entries", "500",
                "--log-segment-bytes-max", "65536", "--log-purge-gap-entries", "64", "--replication.append-gap-min-us", "250",
                "--commit-linger-us", "3000")
                .replication().settings();

        assertThat(s).isEqualTo(new ReplicationSettings(300, 900, 4_000, 20, 500, 65_536, 64, 250, 3_000, null));
    }

    @Test
    void replicationKeysThatContradictEachOtherAreRefusedByName() {
        assertThatThrownBy(() -> loadReplicated("--election-timeout-min-ms", "800", "--election-timeout-max-ms", "700"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("electionTimeoutMaxMs (700) must be > electionTimeoutMinMs (800)");
        assertThatThrownBy(() -> loadReplicated("--write-timeout-ms", "900"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("writeTimeoutMs (900) must outlast an election");
        assertThatThrownBy(() -> loadReplicated("--append-gap-min-us", "-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replication.append-gap-min-us");
        assertThatThrownBy(() -> loadReplicated("--commit-linger-us", "1000001"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("commitLingerUs must be in [0, 1000000], was 1000001");
    }

    @Test
    void theFlagsTheDemoAndTheChaosSuitePassStillWork() throws IOException {
        ParticipantConfig c = load("--id", "A", "--listen", "127.0.0.1:0", "--data-dir", dir.toString(),
                "--coordinator", "127.0.0.1:7000", "--coordinator-id", "coord-9", "--peer", "B=127.0.0.1:7102",
                "--in-doubt-poll-base-ms", "20000", "--in-doubt-poll-max-ms", "60000", "--metrics", "127.0.0.1:0",
                "--coordinator-lost-after-ms", "1000", "--peer-ask-after-ms", "0", "--outcome-retention-ms", "60000");
        assertThat(c.core().participantId()).isEqualTo("A");
        assertThat(c.core().coordinatorId()).isEqualTo("coord-9");
        assertThat(c.rpc().peers()).isEqualTo(Map.of("B", new Endpoint("127.0.0.1", 7102)));
        assertThat(c.coreConfig().inDoubtPollBaseMs()).isEqualTo(20_000);
        assertThat(c.coreConfig().inDoubtPollMaxMs()).isEqualTo(60_000);
        assertThat(c.coreConfig().peerAskAfterMs()).isZero();
        assertThat(c.coreConfig().outcomeRetentionMs()).isEqualTo(60_000);
        assertThat(c.metrics()).isEqualTo(new MetricsConfig(new Endpoint("127.0.0.1", 0), 1_000));
    }

    @Test
    void severalCoordinatorsAreServedTheFirstFirst() throws IOException {
        ParticipantConfig c = load("--id", "A", "--data-dir", dir.toString(), "--coordinator", "127.0.0.1:7000",
                "--coordinator-id", "coord-1", "--coordinators", "coord-3=127.0.0.1:7003",
                "--coordinators", "coord-2=127.0.0.1:7002");
        assertThat(c.coordinators()).containsExactly(Map.entry("coord-1", new Endpoint("127.0.0.1", 7000)),
                Map.entry("coord-2", new Endpoint("127.0.0.1", 7002)), Map.entry("coord-3", new Endpoint("127.0.0.1", 7003)));
        assertThatThrownBy(() -> load("--id", "A", "--data-dir", dir.toString(), "--coordinator", "127.0.0.1:7000",
                "--coordinator-id", "coord-1", "--coordinators", "coord-1=127.0.0.1:7009"))
                .hasMessageContaining("coordinator coord-1 is configured at 127.0.0.1:7000 and at 127.0.0.1:7009");
    }

    @Test
    void theDefaultsAreTheProtocolCoresOwnAndNoMetricsUnlessAsked() throws IOException {
        ParticipantConfig c = load("--id", "A", "--data-dir", dir.toString(), "--coordinator", "127.0.0.1:7000");
        assertThat(c.coreConfig()).isEqualTo(CoreConfig.defaults("A"));
        assertThat(c.rpc().listen()).isEqualTo(new Endpoint("127.0.0.1", 0));
        assertThat(c.metrics()).isNull();
    }

    @Test
    void anUnknownKeyOrAnInvalidValueIsRefusedNamingTheKey() throws IOException {
        Path file = dir.resolve("typo.properties");
        Files.writeString(file, "core.participant-id=A\ncore.lock-wait-ms=5\n");
        assertThatThrownBy(() -> load("--config", file.toString()))
                .hasMessage("unknown configuration key core.lock-wait-ms (in " + file + ")");
        assertThatThrownBy(() -> load("--id", "A", "--data-dir", dir.toString(), "--coordinator", "127.0.0.1:7000",
                "--coordinator-lost-after-ms", "50"))
                .hasMessage("rpc.coordinator-lost-after-ms: must be >= 100, was 50");
    }

    @Test
    void anIdOverTheLimitIsRefusedAtStartUpNamingTheKeyAndTheLimit() {
        String longId = "p".repeat(dev.pledge.core.Limits.ID_CHARS_MAX + 1);
        assertThatThrownBy(() -> load("--id", longId, "--data-dir", dir.toString(), "--coordinator", "127.0.0.1:7000"))
                .hasMessageContaining("core.participant-id").hasMessageContaining("ID_CHARS_MAX");
        assertThatThrownBy(() -> load("--id", "A", "--data-dir", dir.toString(), "--coordinator", "127.0.0.1:7000",
                "--coordinator-id", longId))
                .hasMessageContaining("core.coordinator-id").hasMessageContaining("ID_CHARS_MAX");
    }
}
