package dev.pledge.coordinator.protocol;

import static dev.pledge.coordinator.protocol.CoreHarness.A;
import static dev.pledge.coordinator.protocol.CoreHarness.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnePhaseCommitTest {
    private final CoreHarness h = new CoreHarness();

    @Test
    void aSingleParticipantGetsOnePhaseCommitBehindAnUnsyncedMarker() {
        TxId tx = h.beginWith(A);
        Outputs o = h.commit(tx);
        assertThat(o.records()).containsExactly(new Record.OnePhase(tx, A));
        assertThat(o.mustSync()).as("the participant decides; no coordinator fsync before the call").isFalse();
        assertThat(o.messages()).containsExactly(new Message.CommitOnePhase(tx, A, 1));
        assertThat(o.replies()).isEmpty();
    }

    @Test
    void theParticipantsCommitIsSyncedWithItsStorageBeforeTheAnswer() {
        TxId tx = h.beginWith(A);
        h.commit(tx);
        Outputs o = h.step(new Event.OnePhaseResult(h.nowMs, tx, A, Event.OnePhaseOutcome.COMMITTED, null, null, 11));
        assertThat(o.records()).containsExactly(new Record.Commit(tx, List.of(A), List.of(A), null, Map.of(A, 11L)),
                new Record.End(tx, h.nowMs));
        assertThat(o.mustSync()).as("a restart must not ask a disk that may since have been replaced").isTrue();
        assertThat(outcome(o).state()).isEqualTo(TxState.COMMITTED);
        assertThat(o.messages()).isEmpty();
    }

    @Test
    void aRestartBeforeEndDeliversCommitAndSeesTheParticipantsReplacedDisk() {
        TxId tx = h.beginWith(A);
        h.commit(tx);
        Outputs o = h.step(new Event.OnePhaseResult(h.nowMs, tx, A, Event.OnePhaseOutcome.COMMITTED, null, null, 11));
        h.log.remove(o.records().get(1)); // END was not synced: lost in the crash
        h.restart();
        assertThat(h.startup.messages()).containsExactly(new Message.Commit(tx, A));
        assertThat(h.ack(tx, A, BranchState.COMMITTED, 12).alarms()).singleElement().asString().contains("DATA LOSS");
        assertThat(((Reply.StatusReply) h.status(tx)).state()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void theParticipantsAbortIsAnsweredAborted() {
        TxId tx = h.beginWith(A);
        h.commit(tx);
        Outputs o = h.step(new Event.OnePhaseResult(h.nowMs, tx, A, Event.OnePhaseOutcome.ABORTED));
        assertThat(outcome(o).state()).isEqualTo(TxState.ABORTED);
        assertThat(o.mustSync()).isFalse();
    }

    @Test
    void anUnknownOutcomeIsAskedAgainNeverPresumed() {
        TxId tx = h.beginWith(A);
        h.commit(tx);
        Outputs o = h.step(new Event.OnePhaseResult(h.nowMs, tx, A, Event.OnePhaseOutcome.UNKNOWN));
        assertThat(o.records()).isEmpty();
        assertThat(o.timers()).singleElement().extracting(Timer.Request::timer).isEqualTo(new Timer.DeliveryRetry(tx, A));
        assertThat(h.fire(new Timer.DeliveryRetry(tx, A)).messages()).containsExactly(new Message.AskBranch(tx, A));
        assertThat(h.core.stateOf(tx)).contains(CoordinatorTxState.PREPARING);
    }

    @Test
    void theDeadlineNeverAbortsAOnePhaseCommitInFlight() {
        TxId tx = h.beginWith(A);
        h.commit(tx);
        h.nowMs += h.config.txTimeoutMaxMs();
        assertThat(h.fire(new Timer.Deadline(h.nowMs)).records()).isEmpty();
        assertThat(h.core.stateOf(tx)).contains(CoordinatorTxState.PREPARING);
    }

    @Test
    void anAbortDuringOnePhaseCommitWaitsForTheParticipantsAnswer() {
        TxId tx = h.beginWith(A);
        h.commit(tx);
        assertThat(h.abort(tx).replies()).isEmpty();
        Outputs o = h.step(new Event.OnePhaseResult(h.nowMs, tx, A, Event.OnePhaseOutcome.COMMITTED));
        assertThat(o.replies()).extracting(Reply::value).anySatisfy(v ->
                assertThat(v).isEqualTo(new Reply.ErrorReply(Reply.ErrorKind.NOT_ALLOWED, "transaction " + tx + " committed",
                        TxState.COMMITTED)));
    }
}
