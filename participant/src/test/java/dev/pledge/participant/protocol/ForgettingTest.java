package dev.pledge.participant.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.core.Vote;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Forgetting never becomes a refusal: a participant asked about a transaction whose outcome it
 * may have swept answers "unknown", because it may have voted yes on a transaction that committed.
 */
class ForgettingTest {
    private static final long RETENTION_MS = 60_000;
    private final CoreConfig config = new CoreConfig("course-c", 2_000, RETENTION_MS, 100, 5_000, 100, 8, 1_000);
    private CoreHarness h = new CoreHarness(config, List.of());
    private final TxId t1 = CoreHarness.tx(1);
    private final TxId t2 = CoreHarness.tx(2);
    private final TxId t3 = CoreHarness.tx(3);

    private void committedAndSwept(TxId tx) {
        h.put(tx, "k" + tx.sequence(), "v");
        h.prepare(tx);
        h.commit(tx);
        h.nowMs += RETENTION_MS + BranchLedger.outcomeGrainMs(RETENTION_MS);
        h.fire(new Timer.OutcomeSweep());
    }

    /**
     * Outcome times are kept to a grain, rounded up: an outcome stays at least its retention (never
     * forgotten early, whatever its time within the grain) and at most one grain longer.
     */
    @Test
    void anOutcomeIsKeptItsRetentionAndAtMostOneGrainLonger() {
        h.nowMs += 1 + BranchLedger.outcomeGrainMs(RETENTION_MS) / 2;
        h.put(t1, "k1", "v");
        h.prepare(t1);
        h.commit(t1);
        long committedAt = h.nowMs;

        h.nowMs = committedAt + RETENTION_MS;
        h.fire(new Timer.OutcomeSweep());
        assertThat(h.last.records()).as("swept at exactly its retention").isEmpty();
        assertThat(((Reply.PeerAnswer) h.peerState(t1)).state()).isEqualTo(BranchState.COMMITTED);

        h.nowMs = committedAt + RETENTION_MS + BranchLedger.outcomeGrainMs(RETENTION_MS);
        h.fire(new Timer.OutcomeSweep());
        assertThat(h.last.records()).as("swept one grain later").containsExactly(new Record.OutcomeForgotten(t1), new Record.SweptUpTo(t1));
    }

    /** Memory: outcomes of one grain without a reason are one object, whatever their number. */
    @Test
    void outcomesOfOneGrainShareTheirMemory() {
        for (TxId tx : List.of(t1, t2)) {
            h.put(tx, "k" + tx.sequence(), "v");
            h.prepare(tx);
            h.commit(tx);
        }
        assertThat(h.core.ledger.outcome(t2)).isSameAs(h.core.ledger.outcome(t1));
    }

    @Test
    void aSweptYesIsAnsweredUnknownNeverRefused() {
        committedAndSwept(t2);
        assertThat(h.last.records()).containsExactly(new Record.OutcomeForgotten(t2), new Record.SweptUpTo(t2));
        assertThat(((Reply.PeerAnswer) h.peerState(t2)).state()).isEqualTo(BranchState.UNKNOWN);
        assertThat(h.last.records()).as("no refusal is recorded").isEmpty();
        assertThat(((Reply.PeerAnswer) h.peerState(t1)).state()).as("an older id may be swept too").isEqualTo(BranchState.UNKNOWN);
    }

    /**
     * A late duplicate of a swept transaction's prepare, one-phase commit or operation (delayed,
     * replayed) must not build its branch again: that branch could vote the other way, and its
     * remembered ABORTED would be told to a peer still in doubt as a refusal of a committed transaction.
     */
    @Test
    void lateCallsOfASweptTransactionBuildNothingAndLeaveItUnknown() {
        committedAndSwept(t2);
        Key k = Key.utf8("k2");
        long t = h.token();
        h.step(new Event.Prepare(h.nowMs, t, t2, List.of("course-c", "student-a"), CoreHarness.COORD, -1,
                Event.Verdict.no("balance changed since"), List.of(Write.put(k, "stale".getBytes()))));
        assertThat(((Reply.Voted) h.onlyReply(t)).vote()).isEqualTo(Vote.NO);
        assertThat(h.last.records()).as("nothing recorded for the stale prepare").isEmpty();
        assertThat(((Reply.Voted) h.prepare(t2)).vote()).isEqualTo(Vote.NO);
        assertThat(h.last.records()).isEmpty();

        long one = h.token();
        h.step(new Event.CommitOnePhase(h.nowMs, one, t2, -1, Event.Verdict.OK, List.of(Write.put(k, "stale".getBytes()))));
        assertThat(((Reply.Acked) h.onlyReply(one)).state()).isEqualTo(BranchState.UNKNOWN);

        Event.Access late = h.write(t2, "k2", "stale");
        h.step(late);
        assertThat(h.onlyReply(late.token())).isInstanceOf(Reply.Failed.class);
        assertThat(h.last.messages()).as("no enlistment of a finished transaction").isEmpty();

        assertThat(h.core.view().branchState(t2)).isEqualTo(BranchState.UNKNOWN);
        assertThat(((Reply.PeerAnswer) h.peerState(t2)).state()).as("still never a refusal").isEqualTo(BranchState.UNKNOWN);
    }

    @Test
    void anIdAboveTheWatermarkIsStillRefused() {
        committedAndSwept(t2);
        assertThat(((Reply.PeerAnswer) h.peerState(t3)).state()).isEqualTo(BranchState.ABORTED);
        assertThat(h.last.mustSync()).isTrue();
    }

    @Test
    void theWatermarkSurvivesARestart() {
        committedAndSwept(t2);
        h = h.restarted();
        assertThat(((Reply.PeerAnswer) h.peerState(t2)).state()).isEqualTo(BranchState.UNKNOWN);
    }

    @Test
    void anotherCoordinatorsIdsAreNotCovered() {
        committedAndSwept(t2);
        TxId other = new TxId("coord-2", t1.epoch(), t1.sequence());
        assertThat(((Reply.PeerAnswer) h.peerState(other)).state()).isEqualTo(BranchState.ABORTED);
    }
}
