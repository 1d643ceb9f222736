package dev.pledge.participant.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pledge.core.TxId;
import dev.pledge.participant.protocol.Key;
import dev.pledge.participant.protocol.Record;
import dev.pledge.participant.protocol.Write;
import dev.pledge.participant.storage.ParticipantStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three real replicas over loopback gRPC, each with its own RocksDB; a hung group fails the test instead of the build. */
@Timeout(60)
class ShardReplicationTest {
    private static final Duration CATCH_UP_MAX = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private ThreeReplicas shard;
    private ReplicatedLogStore log;
    private final List<Record> written = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        shard = new ThreeReplicas(dir.resolve("replicas"));
        openLogOfTheLeader();
    }

    /** Writes from now on as the core of the current leader's term would. */
    private void openLogOfTheLeader() throws Exception {
        if (log != null) log.close();
        shard.awaitLeader();
        log = ReplicatedLogStore.open(shard.replica(shard.leaderId()), ThreeReplicas.FAST, shard.replica(shard.leaderId()).term());
    }

    @AfterEach
    void stop() throws Exception {
        log.close();
        shard.close();
    }

    @Test
    void aCommittedBatchIsInEveryReplicasStoreAsASingleNodeWouldHoldIt() throws Exception {
        write(batch(1));
        write(batch(2));

        List<Object> single;
        try (ParticipantStore alone = ParticipantStore.open(dir.resolve("alone"))) {
            alone.write(batch(1), true);
            alone.write(batch(2), true);
            single = ThreeReplicas.contents(alone.view());
        }
        assertThat(single).contains(new Record.Incarnation(3), new Record.Concluded(tx(1), Record.Final.COMMITTED, 1));
        awaitEveryRunningReplicaHolds(single);
    }

    @Test
    void writesCommitWithTheLeaderOrAFollowerStopped() throws Exception {
        write(batch(1));
        String leader = shard.leaderId();
        String follower = ThreeReplicas.IDS.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();

        shard.stop(follower);
        write(batch(2));
        shard.start(follower);
        shard.stop(leader);
        openLogOfTheLeader();
        writeAfterLeaderChange(batch(3));
        shard.start(leader);

        awaitEveryRunningReplicaHoldsWhatWasWritten();
    }

    @Test
    void aWriteOfALeadershipThatEndedIsAppliedByNoReplica() throws Exception {
        write(batch(1));
        ReplicatedLogStore deposed = log;
        String leader = shard.leaderId();
        shard.stop(leader);
        shard.awaitLeader();
        shard.start(leader);

        assertThatThrownBy(() -> deposed.write(batch(2), true)).isInstanceOf(ShardUnavailableException.class);
        deposed.close();
        log = null;
        openLogOfTheLeader();
        writeAfterLeaderChange(batch(3));

        awaitEveryRunningReplicaHoldsWhatWasWritten();
    }

    @Test
    void aWriteOfAnEarlierTermAppendedByTheSameLeaderIsAppliedByNoReplica() throws Exception {
        write(batch(1));
        ShardReplica leader = shard.replica(shard.leaderId());

        try (ReplicatedLogStore ofEarlierTerm = ReplicatedLogStore.open(leader, ThreeReplicas.FAST, leader.term() - 1)) {
            assertThatThrownBy(() -> ofEarlierTerm.write(batch(2), true))
                    .isInstanceOf(ShardUnavailableException.class)
                    .hasMessageContaining("ended before its write was committed");
        }
        write(batch(3));

        awaitEveryRunningReplicaHoldsWhatWasWritten();
    }

    @Test
    void aReplicaThatDoesNotLeadRefusesAWriteAtOnceAndPassesItToNoOne() throws Exception {
        write(batch(1));
        String leader = leaderIdNow();
        String follower = ThreeReplicas.IDS.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        ShardReplica notLeading = shard.replica(follower);
        long startNs = System.nanoTime();

        try (ReplicatedLogStore wrong = ReplicatedLogStore.open(notLeading, ThreeReplicas.FAST, notLeading.term())) {
            assertThatThrownBy(() -> wrong.write(batch(2), true))
                    .isInstanceOf(ShardUnavailableException.class)
                    .hasMessageContaining("NotLeaderException");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - startNs)).isLessThan(Duration.ofMillis(ThreeReplicas.FAST.writeTimeoutMs()));
        write(batch(3));

        awaitEveryRunningReplicaHoldsWhatWasWritten();
    }

    @Test
    void aReplicaRestartedOnAnEmptyDirectoryCatchesUpFromASnapshotAndTheLog() throws Exception {
        String away = "r3";
        shard.stop(away);
        shard.wipe(away);
        openLogOfTheLeader();
        for (int i = 1; i <= 3 * ThreeReplicas.FAST.snapshotEveryEntries(); i++) write(batch(i));
        for (String id : shard.runningIds()) {
            assertThat(shard.replica(id).logStartIndex()).as("%s purged its log up to a snapshot", id).isPositive();
        }

        shard.start(away);
        write(batch(1_000));

        awaitEveryRunningReplicaHoldsWhatWasWritten();
    }

    @Test
    void withTwoReplicasStoppedEveryWriteFailsWithinTheTimeoutAndTheFirstAfterOneReturnsSucceeds() throws Exception {
        write(batch(1));
        shard.stop("r1", "r2");

        for (int n = 2; n <= 3; n++) assertWriteFailsWithinTheTimeout(batch(n));

        shard.start("r2");
        openLogOfTheLeader();
        writeAfterLeaderChange(batch(4));
        await().atMost(CATCH_UP_MAX).ignoreExceptionsInstanceOf(IllegalStateException.class).untilAsserted(() ->
                assertThat(ThreeReplicas.contents(shard.replica("r2").storeView()))
                        .isEqualTo(ThreeReplicas.contents(shard.replica("r3").storeView()))
                        .contains(new Record.Concluded(tx(4), Record.Final.COMMITTED, 4)));
    }

    private void assertWriteFailsWithinTheTimeout(List<Record> batch) {
        long writeTimeoutMs = ThreeReplicas.FAST.writeTimeoutMs();
        long startNs = System.nanoTime();
        assertThatThrownBy(() -> log.write(batch, true))
                .isInstanceOf(ShardUnavailableException.class)
                .hasMessageContaining("shard C did not commit a write");
        assertThat(Duration.ofNanos(System.nanoTime() - startNs)).isLessThan(Duration.ofMillis(writeTimeoutMs).plusSeconds(1));
    }

    /**
     * A first write to a new leader may time out on a loaded machine while the client still tries
     * the stopped replica; it is in doubt, and these batches are idempotent, so it is sent again.
     */
    private void writeAfterLeaderChange(List<Record> batch) throws Exception {
        try {
            log.write(batch, true);
        } catch (ShardUnavailableException inDoubt) {
            openLogOfTheLeader();
            log.write(batch, true);
        }
        written.addAll(batch);
    }

    private String leaderIdNow() throws Exception {
        shard.awaitLeader();
        return shard.leaderId();
    }

    private void write(List<Record> batch) throws Exception {
        log.write(batch, true);
        written.addAll(batch);
    }

    private void awaitEveryRunningReplicaHoldsWhatWasWritten() throws Exception {
        List<Object> single;
        try (ParticipantStore alone = ParticipantStore.open(dir.resolve("alone"))) {
            alone.write(written, true);
            single = ThreeReplicas.contents(alone.view());
        }
        awaitEveryRunningReplicaHolds(single);
    }

    private void awaitEveryRunningReplicaHolds(List<Object> expected) {
        await().atMost(CATCH_UP_MAX).ignoreExceptionsInstanceOf(IllegalStateException.class).untilAsserted(() -> {
            for (String id : shard.runningIds()) {
                assertThat(ThreeReplicas.contents(shard.replica(id).storeView())).as(id).isEqualTo(expected);
            }
        });
    }

    /** A new incarnation, a PREPARED branch, and the commit of another branch with its data. */
    private static List<Record> batch(int n) {
        Write write = Write.put(Key.utf8("student-" + n), ("enrolled-" + n).getBytes(StandardCharsets.UTF_8));
        return List.of(
                new Record.Incarnation(n + 1),
                new Record.Prepared(tx(n + 10_000), List.of(write), List.of("A", "C"), "coord-1", n + 1, n),
                new Record.Applied(tx(n), List.of(write), n));
    }

    private static TxId tx(long sequence) {
        return new TxId("coord-1", 1, sequence);
    }
}
