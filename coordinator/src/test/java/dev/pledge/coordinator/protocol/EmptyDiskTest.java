package dev.pledge.coordinator.protocol;

import static dev.pledge.coordinator.protocol.CoreHarness.A;
import static dev.pledge.coordinator.protocol.CoreHarness.B;
import static dev.pledge.coordinator.protocol.CoreHarness.NODE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.BranchState;
import dev.pledge.core.Incarnations;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.core.Vote;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node that comes back on an empty data directory is never taken for its old self: the
 * coordinator never hands out a TxId twice nor presumes an earlier life's transactions aborted,
 * and a participant that lost its storage after voting YES is reported as data loss.
 */
class EmptyDiskTest {
    private static final long WALL_CLOCK_MS = 1_764_000_000_000L;
    private static final long STORAGE_A = 11;
    private static final long STORAGE_B = 22;
    private static final long STORAGE_B_REPLACED = 99;
    private final CoreHarness h = new CoreHarness();

    @Test
    void aCoordinatorOnAnEmptyDiskNeverReusesATxId() {
        TxId before = h.begin();
        h.restartOnEmptyDisk(WALL_CLOCK_MS, 2);
        TxId after = h.begin();
        assertThat(after).isNotEqualTo(before);
        assertThat(after.epoch() / Incarnations.SPAN).isEqualTo(WALL_CLOCK_MS);
        assertThat(h.startup.records()).contains(new Record.Storage(2, after.epoch()));
        assertThat(h.startup.mustSync()).isTrue();
        assertThat(h.startup.transitions()).anyMatch(line -> line.contains("started on an empty data directory"));
    }

    @Test
    void anEpochNeverGoesBackEvenWhenTheClockDoes() {
        h.restartOnEmptyDisk(WALL_CLOCK_MS, 2);
        long first = h.core.epoch();
        h.restart(new Incarnations.Start(Incarnations.floor(WALL_CLOCK_MS - 60_000, new java.util.Random(1)), 3));
        assertThat(h.core.epoch()).isEqualTo(first + 1);
    }

    @Test
    void anEarlierLifesTransactionIsForgottenNeverPresumedAborted() {
        TxId committed = h.committedAndEnded();
        TxId undecided = h.beginWith(A, B);
        h.commit(undecided);
        h.restartOnEmptyDisk(WALL_CLOCK_MS, 2);

        for (TxId tx : List.of(committed, undecided)) {
            Reply.StatusReply status = (Reply.StatusReply) h.status(tx);
            assertThat(status.state()).isEqualTo(TxState.FORGOTTEN);
            assertThat(status.message()).contains("earlier life of " + NODE);
            assertThat(CoreHarness.outcome(h.commit(tx)).state()).isEqualTo(TxState.FORGOTTEN);
            Reply.ErrorReply enlist = (Reply.ErrorReply) CoreHarness.onlyReply(h.enlist(tx, A, 1));
            assertThat(enlist.state()).isEqualTo(TxState.FORGOTTEN);
        }
    }

    @Test
    void aLogFromBeforeStorageIdentitiesClaimsEveryEpochSinceOne() {
        h.log.removeIf(r -> r instanceof Record.Storage); // as written by a build without storage identities
        TxId lost = h.beginWith(A, B);
        h.restart();
        assertThat(h.startup.records()).contains(new Record.Storage(CoreHarness.STORAGE, 1));
        // No record of it: a restart may have lost its unsynced COMMIT, so it is unknown, never aborted.
        assertThat(((Reply.StatusReply) h.status(lost)).state()).isEqualTo(TxState.FORGOTTEN);
    }

    @Test
    void aCommitAcknowledgedFromAReplacedStorageIsReportedAsDataLoss() {
        TxId tx = votedYesByBoth();
        assertThat(h.ack(tx, A, BranchState.COMMITTED, STORAGE_A).alarms()).isEmpty();
        Outputs ended = h.ack(tx, B, BranchState.COMMITTED, STORAGE_B_REPLACED);

        assertThat(ended.alarms()).singleElement().asString()
                .contains("DATA LOSS").contains("participant " + B).contains("writes of this transaction are lost");
        Record.End end = (Record.End) ended.records().get(0);
        assertThat(end.damage()).singleElement().asString().contains(B);
        assertThat(h.core.damaged()).containsOnlyKeys(tx);
        Reply.StatusReply status = (Reply.StatusReply) h.status(tx);
        assertThat(status.state()).isEqualTo(TxState.COMMITTED);
        assertThat(status.damage()).isEqualTo(end.damage());
        assertThat(CoreHarness.outcome(h.commit(tx)).damage()).isEqualTo(end.damage());
    }

    @Test
    void theDamageOfAnEndedTransactionSurvivesARestart() {
        TxId tx = votedYesByBoth();
        h.ack(tx, A, BranchState.COMMITTED, STORAGE_A);
        h.ack(tx, B, BranchState.COMMITTED, STORAGE_B_REPLACED);
        h.restart();
        assertThat(((Reply.StatusReply) h.status(tx)).damage()).singleElement().asString().contains(B);
        assertThat(h.core.damaged()).containsOnlyKeys(tx);
    }

    @Test
    void aRestartBeforeTheAcknowledgementStillTellsTheVoterStorageFromTheCommitRecord() {
        TxId tx = votedYesByBoth();
        h.ack(tx, A, BranchState.COMMITTED, STORAGE_A);
        h.restart();
        assertThat(h.ack(tx, B, BranchState.COMMITTED, STORAGE_B_REPLACED).alarms()).hasSize(1);
        assertThat(h.core.damaged()).containsOnlyKeys(tx);
    }

    @Test
    void aCommitAcknowledgedAsAbortedIsReportedAsDataLoss() {
        TxId tx = votedYesByBoth();
        h.ack(tx, A, BranchState.COMMITTED, STORAGE_A);
        assertThat(h.ack(tx, B, BranchState.ABORTED, STORAGE_B).alarms()).singleElement().asString()
                .contains("reports its branch ABORTED");
    }

    @Test
    void acknowledgementsFromTheVotingStorageOrWithoutAnIdentityAreClean() {
        TxId tx = votedYesByBoth();
        h.ack(tx, A, BranchState.COMMITTED, STORAGE_A);
        assertThat(h.ack(tx, B, BranchState.COMMITTED, 0).alarms()).isEmpty(); // a participant that sends none
        assertThat(h.core.damaged()).isEmpty();
        assertThat(((Reply.StatusReply) h.status(tx)).damage()).isEmpty();
    }

    @Test
    void aResentWriteOnlyRequestUnknownToAYoungDataDirectoryIsForgottenNeverRunTwice() {
        h.restartOnEmptyDisk(WALL_CLOCK_MS, 2);
        Outputs o = h.step(new Event.CommitWrites(h.nowMs, 900, "key-1", Map.of(A, List.of(write())), 0, true));
        Reply.Written w = (Reply.Written) CoreHarness.onlyReply(o);
        assertThat(w.txId()).isNull();
        assertThat(((Reply.OutcomeReply) w.outcome()).state()).isEqualTo(TxState.FORGOTTEN);
        assertThat(o.messages()).as("its writes are not sent again").isEmpty();

        Outputs first = h.step(new Event.CommitWrites(h.nowMs, 901, "key-2", Map.of(A, List.of(write())), 0, false));
        assertThat(first.messages()).as("a first send runs").hasSize(1);
    }

    @Test
    void onceNoClientCanStillResendAnEarlierLifesRequestResendsRunAgain() {
        h.restartOnEmptyDisk(WALL_CLOCK_MS, 2);
        h.nowMs += h.config.txTimeoutMaxMs() + h.config.answerGraceMs();
        Outputs o = h.step(new Event.CommitWrites(h.nowMs, 900, "key-1", Map.of(A, List.of(write())), 0, true));
        assertThat(o.messages()).hasSize(1);
    }

    private static Write write() {
        return new Write("k".getBytes(java.nio.charset.StandardCharsets.UTF_8), "v".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private TxId votedYesByBoth() {
        TxId tx = h.beginWith(A, B);
        h.commit(tx);
        h.vote(tx, A, Vote.YES, STORAGE_A);
        Outputs decided = h.vote(tx, B, Vote.YES, STORAGE_B);
        assertThat(CoreHarness.outcome(decided)).isEqualTo(new Reply.OutcomeReply(TxState.COMMITTED, null, null));
        assertThat(((Record.Commit) decided.records().get(0)).voterStorage())
                .containsEntry(A, STORAGE_A).containsEntry(B, STORAGE_B);
        return tx;
    }
}
