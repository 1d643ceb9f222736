package dev.pledge.participant.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pledge.core.TxId;
import dev.pledge.participant.protocol.Key;
import dev.pledge.participant.protocol.Record;
import dev.pledge.participant.protocol.Write;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The empty-disk rule (ShardJoin) against three real replicas over loopback gRPC. */
@Timeout(120)
class EmptyDiskRuleTest {
    /** Many election rounds of ThreeReplicas.FAST: time for a wrongly counted vote to elect someone. */
    private static final Duration NO_LEADER_OBSERVED = Duration.ofSeconds(5);
    private static final Duration CATCH_UP_MAX = Duration.ofSeconds(30);
    /** Many heartbeats of ThreeReplicas.FAST: time for the leader to send to the old incarnation again and again. */
    private static final Duration OLD_SELF_OBSERVED = Duration.ofSeconds(3);

    @TempDir
    Path dir;
    private ThreeReplicas shard;
    private ReplicatedLogStore log;

    @BeforeEach
    void start() throws Exception {
        shard = new ThreeReplicas(dir.resolve("replicas"));
    }

    @AfterEach
    void stop() throws Exception {
        if (log != null) log.close();
        shard.close();
    }

    /**
     * Entry E is committed on the leader and one follower W; the other follower B never saw it. The
     * leader stops, W comes back on an empty disk, B comes back. Were W to vote as the peer it was,
     * B (without E) would win and E would be lost. As a new incarnation its vote counts for nothing:
     * no leader until the old leader returns, and then every replica holds E.
     */
    @Test
    void aReplicaBackOnAnEmptyDiskCannotHelpElectALeaderThatLacksACommittedEntry() throws Exception {
        String leader = shard.leaderId();
        List<String> followers = ThreeReplicas.IDS.stream().filter(id -> !id.equals(leader)).toList();
        String behind = followers.get(0);
        String witness = followers.get(1);
        shard.stop(behind);
        log = ReplicatedLogStore.open(shard.replica(leader), ThreeReplicas.FAST, shard.replica(leader).term());
        log.write(batch(1), true);
        log.close();
        log = null;

        shard.stop(leader, witness);
        shard.wipe(witness);
        ReplicaStartup wiped = shard.begin(witness);
        shard.begin(behind);

        await().during(NO_LEADER_OBSERVED).atMost(NO_LEADER_OBSERVED.plusSeconds(5))
                .until(() -> shard.leaderId() == null);

        shard.begin(leader);
        await().atMost(CATCH_UP_MAX).ignoreExceptionsInstanceOf(IllegalStateException.class).untilAsserted(() -> {
            for (String id : ThreeReplicas.IDS) {
                assertThat(ThreeReplicas.contents(shard.replica(id).storeView())).as(id)
                        .contains(new Record.Concluded(tx(1), Record.Final.COMMITTED, 1));
            }
        });
        assertThat(wiped.joined().get(CATCH_UP_MAX.toSeconds(), TimeUnit.SECONDS).peerId()).startsWith(witness + "#");
    }

    /**
     * A replica back on an empty disk serves its division, not yet a member, at the address its old
     * incarnation had, and the leader keeps sending to the old one there until the replacement
     * commits. The new incarnation must take none of those appends: they are not addressed to it.
     * (Taken, they fed its log ahead of the leader's appender for the new incarnation, which then
     * never saw it catch up, so the replacement never committed: ReplicatedChaosTest seed 2477581918.)
     */
    @Test
    void aNewIncarnationTakesNoAppendsAddressedToItsOldSelf() throws Exception {
        String leader = shard.leaderId();
        String wiped = ThreeReplicas.IDS.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        shard.stop(wiped);
        shard.wipe(wiped);
        try (ShardReplica fresh = ShardReplica.start(shard.group, ReplicaIdentity.fresh(wiped), shard.dataDir(wiped),
                ThreeReplicas.FAST, ShardLeadership.IGNORED)) {
            log = ReplicatedLogStore.open(shard.replica(leader), ThreeReplicas.FAST, shard.replica(leader).term());
            for (int n = 1; n <= 3; n++) log.write(batch(n), true);

            await().during(OLD_SELF_OBSERVED).atMost(OLD_SELF_OBSERVED.plusSeconds(5)).until(() -> fresh.logNextIndex() == 0);
        }
    }

    private static List<Record> batch(int n) {
        Write write = Write.put(Key.utf8("student-" + n), ("enrolled-" + n).getBytes(StandardCharsets.UTF_8));
        return List.of(new Record.Applied(tx(n), List.of(write), n));
    }

    private static TxId tx(long sequence) {
        return new TxId("coord-1", 1, sequence);
    }
}
