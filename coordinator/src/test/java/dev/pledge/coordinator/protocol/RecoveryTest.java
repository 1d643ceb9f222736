package dev.pledge.coordinator.protocol;

import static dev.pledge.coordinator.protocol.CoreHarness.A;
import static dev.pledge.coordinator.protocol.CoreHarness.B;
import static dev.pledge.coordinator.protocol.CoreHarness.C;
import static dev.pledge.coordinator.protocol.CoreHarness.NODE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.core.AbortReason;
import dev.pledge.core.Incarnations;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.core.Vote;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecoveryTest {
    private final CoreHarness h = new CoreHarness();

    @Test
    void everyStartSyncsANewEpochBeforeAnyTxIdIsHandedOut() {
        assertThat(h.startup.records()).containsExactly(new Record.Epoch(1), new Record.Storage(CoreHarness.STORAGE, 1));
        assertThat(h.startup.mustSync()).isTrue();
        h.begin();
        h.restart();
        assertThat(h.startup.records()).containsExactly(new Record.Epoch(2));
        assertThat(h.startup.mustSync()).isTrue();
        assertThat(h.begin()).isEqualTo(new TxId(NODE, 2, 1));
    }

    @Test
    void aCommitWithoutEndResumesDeliveryToEveryYesVoter() {
        TxId tx = h.beginWith(A, B, C);
        h.commit(tx);
        h.vote(tx, A, Vote.YES);
        h.vote(tx, B, Vote.READ_ONLY);
        h.vote(tx, C, Vote.YES);
        h.ack(tx, A);
        h.restart();
        assertThat(h.startup.messages()).containsExactly(new Message.Commit(tx, A), new Message.Commit(tx, C));
        assertThat(h.core.stateOf(tx)).contains(CoordinatorTxState.COMMITTED);
        h.ack(tx, A);
        Outputs end = h.ack(tx, C);
        assertThat(end.records()).containsExactly(new Record.End(tx, h.nowMs));
    }

    @Test
    void aOnePhaseMarkerWithoutOutcomeAsksTheBranchInsteadOfPresumingAbort() {
        TxId tx = h.beginWith(A);
        h.commit(tx);
        h.restart();
        assertThat(h.startup.messages()).containsExactly(new Message.AskBranch(tx, A));
        assertThat(((Reply.StatusReply) h.status(tx)).state()).isEqualTo(TxState.PREPARING);
        h.step(new Event.OnePhaseResult(h.nowMs, tx, A, Event.OnePhaseOutcome.COMMITTED));
        assertThat(h.core.decisionOf(tx)).contains(TxState.COMMITTED);
    }

    @Test
    void aOnePhaseCommitWhoseMarkerTheCrashLostIsForgottenNeverPresumedAborted() {
        TxId tx = h.beginWith(A);
        Outputs sent = h.commit(tx);
        h.log.removeAll(sent.records()); // the marker was not synced; the call may still have reached A, which decides
        h.restart();
        assertThat(h.startup.messages()).isEmpty();
        Reply.StatusReply s = (Reply.StatusReply) h.status(tx);
        assertThat(s.state()).as("A may have committed it").isEqualTo(TxState.FORGOTTEN);
    }

    @Test
    void anAbortWithoutAcksResumesAbortDeliveryAndKeepsItsReason() {
        TxId tx = h.beginWith(A, B);
        h.commit(tx);
        h.vote(tx, B, Vote.NO);
        h.restart();
        assertThat(h.startup.messages()).containsExactly(new Message.Abort(tx, A));
        Reply.StatusReply s = (Reply.StatusReply) h.status(tx);
        assertThat(s.state()).isEqualTo(TxState.ABORTED);
        assertThat(s.reason()).isEqualTo(AbortReason.PARTICIPANT_VOTED_NO);
    }

    @Test
    void anEndedCommitNeedsNothingAfterRestartAndStillAnswersCommitted() {
        TxId tx = h.committedAndEnded();
        h.restart();
        assertThat(h.startup.messages()).isEmpty();
        assertThat(((Reply.StatusReply) h.status(tx)).state()).isEqualTo(TxState.COMMITTED);
        assertThat(h.core.pendingDelivery()).isEmpty();
    }

    @Test
    void recoveryRejectsALogWhoseRecordsBreakTheStateMachine() {
        TxId tx = new TxId(NODE, 1, 1);
        List<Record> broken = List.of(new Record.Epoch(1), new Record.End(tx, 5));
        assertThatThrownBy(() -> CoordinatorCore.recover(CoreConfig.of(NODE, Set.of(A)), broken, 0,
                new Incarnations.Start(0, 1), new Random(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PREPARING -> ENDED");
    }
}
