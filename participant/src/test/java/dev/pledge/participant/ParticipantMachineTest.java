package dev.pledge.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.core.config.ConfigLoader;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.participant.config.ParticipantSettings;
import dev.pledge.participant.config.ReplicationSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a machine refuses before it opens anything: one Raft server hosts all its shards. */
class ParticipantMachineTest {
    @TempDir
    Path dir;

    private ParticipantConfig shard(String id, int port, String... more) throws java.io.IOException {
        List<String> args = new ArrayList<>(List.of("--id", id, "--data-dir", dir.resolve(id).toString(),
                "--coordinator", "127.0.0.1:7000", "--listen", "127.0.0.1:" + port,
                "--replica-id", "m1", "--replica", "m1=127.0.0.1:7200/127.0.0.1:" + port));
        args.addAll(List.of(more));
        return ParticipantSettings.config(ConfigLoader.load(ParticipantSettings.SCHEMA, args));
    }

    @Test
    void shardsThatDisagreeOnTheirReplicationSettingsAreRefusedBeforeAnythingOpens() throws java.io.IOException {
        List<ParticipantConfig> shards = List.of(shard("A", 7101), shard("C", 7103, "--append-gap-min-us",
                String.valueOf(ReplicationSettings.DEFAULTS.appendGapMinUs() + 250)));
        Path machineDir = dir.resolve("m1");

        assertThatThrownBy(() -> ParticipantMachine.open("m1", machineDir, shards, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("machine m1: shards A and C name different replication.* settings");
        assertThat(Files.exists(machineDir)).isFalse();
    }

    @Test
    void anUnreplicatedShardIsRefusedOnAMachine() throws java.io.IOException {
        ParticipantConfig plain = ParticipantSettings.config(ConfigLoader.load(ParticipantSettings.SCHEMA,
                List.of("--id", "B", "--data-dir", dir.resolve("B").toString(), "--coordinator", "127.0.0.1:7000")));

        assertThatThrownBy(() -> ParticipantMachine.open("m1", dir.resolve("m1"), List.of(shard("A", 7101), plain), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shard B is not replicated");
    }
}
