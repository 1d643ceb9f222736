package dev.pledge.coordinator.protocol;

import static dev.pledge.coordinator.protocol.CoreHarness.A;
import static dev.pledge.coordinator.protocol.CoreHarness.B;
import static dev.pledge.coordinator.protocol.CoreHarness.C;
import static dev.pledge.coordinator.protocol.CoreHarness.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.AbortReason;
import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.core.Vote;
import java.util.List;
import org.junit.jupiter.api.Test;

class TwoPhaseCommitTest {
    private final CoreHarness h = new CoreHarness();

    @Test
    void commitPreparesEveryParticipantInParallelWithTheFullList() {
        TxId tx = h.beginWith(A, B, C);
        Outputs o = h.commit(tx);
        assertThat(o.records()).isEmpty();
        assertThat(o.replies()).as("the answer waits for the decision").isEmpty();
        assertThat(o.messages()).containsExactly(
                new Message.Prepare(tx, A, List.of(A, B, C), 1),
                new Message.Prepare(tx, B, List.of(A, B, C), 1),
                new Message.Prepare(tx, C, List.of(A, B, C), 1));
        assertThat(h.core.stateOf(tx)).contains(CoordinatorTxState.PREPARING);
    }

    @Test
    void allYesVotesCommitAndEveryYesVoterIsTold() {
        TxId tx = h.beginWith(A, B);
        h.commit(tx);
        assertThat(h.vote(tx, A, Vote.YES).isEmpty()).isTrue();
        Outputs decided = h.vote(tx, B, Vote.YES);
        assertThat(decided.records()).containsExactly(new Record.Commit(tx, List.of(A, B), List.of(A, B)));
        assertThat(decided.messages()).containsExactlyInAnyOrder(new Message.Commit(tx, A), new Message.Commit(tx, B));
        assertThat(outcome(decided).state()).isEqualTo(TxState.COMMITTED);
        assertThat(h.core.decisionOf(tx)).contains(TxState.COMMITTED);
    }

    @Test
    void theLastYesCommitsWithNoCoordinatorFsyncAndCommitIsAnUnsyncedHint() {
        TxId tx = h.beginWith(A, B, C);
        h.commit(tx);
        h.vote(tx, A, Vote.YES);
        h.vote(tx, B, Vote.YES);
        Outputs decided = h.vote(tx, C, Vote.YES);
        assertThat(decided.mustSync()).as("implicit commit: the votes are the decision").isFalse();
        assertThat(decided.records()).hasSize(1).first().isInstanceOf(Record.Commit.class);
        assertThat(decided.messages()).hasSize(3).allMatch(m -> m instanceof Message.Commit);
        assertThat(decided.replies()).hasSize(1);
    }

    @Test
    void everyAckWritesEndUnsyncedAndStatusStillSaysCommitted() {
        TxId tx = h.beginWith(A, B);
        h.commit(tx);
        h.vote(tx, A, Vote.YES);
        h.vote(tx, B, Vote.YES);
        assertThat(h.ack(tx, A).records()).isEmpty();
        Outputs end = h.ack(tx, B);
        assertThat(end.records()).containsExactly(new Record.End(tx, h.nowMs));
        assertThat(end.mustSync()).isFalse();
        assertThat(h.core.stateOf(tx)).contains(CoordinatorTxState.ENDED);
        assertThat(((Reply.StatusReply) h.status(tx)).state()).isEqualTo(TxState.COMMITTED);
        assertThat(h.core.pendingDelivery()).isEmpty();
    }

    @Test
    void aNoVoteAbortsUnsyncedAndTellsEveryParticipantThatMayHoldTheBranch() {
        TxId tx = h.beginWith(A, B, C);
        h.commit(tx);
        h.vote(tx, A, Vote.YES);
        Outputs o = h.vote(tx, C, Vote.NO);
        assertThat(o.mustSync()).isFalse();
        assertThat(o.records()).singleElement().isInstanceOf(Record.Abort.class);
        assertThat(o.messages()).containsExactly(new Message.Abort(tx, A), new Message.Abort(tx, B));
        Reply.OutcomeReply answer = outcome(o);
        assertThat(answer.state()).isEqualTo(TxState.ABORTED);
        assertThat(answer.reason()).isEqualTo(AbortReason.PARTICIPANT_VOTED_NO);
        assertThat(answer.message()).contains("course-c").contains("course full");
        assertThat(o.transitions()).containsExactly(
                "coord-1 tx " + tx + " PREPARING -> ABORTED (participant course-c voted NO: course full)");
    }

    @Test
    void readOnlyVotersGetNoPhaseTwo() {
        TxId tx = h.beginWith(A, B);
        h.commit(tx);
        h.vote(tx, A, Vote.READ_ONLY);
        Outputs decided = h.vote(tx, B, Vote.YES);
        assertThat(decided.records()).containsExactly(new Record.Commit(tx, List.of(B), List.of(A, B)));
        assertThat(decided.messages()).containsExactly(new Message.Commit(tx, B));
    }

    @Test
    void allReadOnlyCommitsAndEndsWithoutPhaseTwo() {
        TxId tx = h.beginWith(A, B);
        h.commit(tx);
        h.vote(tx, A, Vote.READ_ONLY);
        Outputs decided = h.vote(tx, B, Vote.READ_ONLY);
        assertThat(decided.records()).hasSize(2).last().isEqualTo(new Record.End(tx, h.nowMs));
        assertThat(decided.messages()).isEmpty();
        assertThat(outcome(decided).state()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void duplicatedVotesAndAcksAreHarmless() {
        TxId tx = h.beginWith(A, B);
        h.commit(tx);
        h.vote(tx, A, Vote.YES);
        assertThat(h.vote(tx, A, Vote.YES).isEmpty()).isTrue();
        h.vote(tx, B, Vote.YES);
        assertThat(h.vote(tx, B, Vote.YES).isEmpty()).as("a vote after the decision").isTrue();
        h.ack(tx, A);
        assertThat(h.ack(tx, A).isEmpty()).isTrue();
        h.ack(tx, B);
        assertThat(h.ack(tx, B).isEmpty()).isTrue();
        assertThat(h.core.stateOf(tx)).contains(CoordinatorTxState.ENDED);
    }

    @Test
    void aParticipantUnreachableForPrepareIsAskedToRefuseAndAbortsTheTransactionOnlyWhenItDoes() {
        TxId tx = h.beginWith(A, B);
        h.commit(tx);
        Outputs o = h.step(new Event.PrepareFailed(h.nowMs, tx, B, "connection refused"));
        assertThat(o.replies()).as("its prepare may have been delivered and voted on").isEmpty();
        assertThat(o.records()).isEmpty();
        assertThat(h.fire(new Timer.DeliveryRetry(tx, B)).messages()).containsExactly(new Message.AskVote(tx, B));
        h.vote(tx, A, Vote.YES);
        Outputs refused = h.step(Event.ofVoteAnswer(h.nowMs, tx, B, BranchState.ABORTED, 0));
        assertThat(outcome(refused).reason()).isEqualTo(AbortReason.PARTICIPANT_UNREACHABLE);
        assertThat(refused.messages()).containsExactly(new Message.Abort(tx, A));
    }

    @Test
    void anUnreachableParticipantThatHadVotedYesCommitsTheTransaction() {
        TxId tx = h.beginWith(A, B);
        h.commit(tx);
        h.vote(tx, A, Vote.YES);
        h.step(new Event.PrepareFailed(h.nowMs, tx, B, "read timed out"));
        Outputs o = h.step(Event.ofVoteAnswer(h.nowMs, tx, B, BranchState.PREPARED, 0));
        assertThat(outcome(o).state()).isEqualTo(TxState.COMMITTED);
        assertThat(o.messages()).containsExactly(new Message.Commit(tx, A), new Message.Commit(tx, B));
    }

    @Test
    void aFailedDeliveryIsRetriedLaterUntilAcknowledged() {
        TxId tx = h.beginWith(A, B);
        h.commit(tx);
        h.vote(tx, A, Vote.YES);
        h.vote(tx, B, Vote.YES);
        Outputs failed = h.step(new Event.DeliveryFailed(h.nowMs, tx, A, "timeout"));
        assertThat(failed.timers()).singleElement().satisfies(t -> {
            assertThat(t.timer()).isEqualTo(new Timer.DeliveryRetry(tx, A));
            assertThat(t.fireAtMs()).isGreaterThan(h.nowMs);
        });
        h.nowMs = failed.timers().get(0).fireAtMs();
        assertThat(h.fire(new Timer.DeliveryRetry(tx, A)).messages()).containsExactly(new Message.Commit(tx, A));
        assertThat(h.core.pendingDelivery()).containsExactly(tx);
        h.ack(tx, A);
        h.ack(tx, B);
        assertThat(h.fire(new Timer.DeliveryRetry(tx, A)).messages()).as("stale retry").isEmpty();
    }

    @Test
    void retryBackoffGrowsAndStaysUnderItsCap() {
        TxId tx = h.beginWith(A, B);
        h.abort(tx);
        long capMs = h.config.deliveryRetryMaxMs();
        for (int i = 0; i < 40; i++) {
            Outputs o = h.step(new Event.DeliveryFailed(h.nowMs, tx, A, "down"));
            long delayMs = o.timers().get(0).fireAtMs() - h.nowMs;
            assertThat(delayMs).isBetween(1L, capMs);
        }
    }

    @Test
    void commitIsIdempotent() {
        TxId tx = h.beginWith(A, B);
        h.commit(tx);
        assertThat(h.commit(tx).replies()).as("a repeat waits with the first").isEmpty();
        h.vote(tx, A, Vote.YES);
        Outputs decided = h.vote(tx, B, Vote.YES);
        assertThat(decided.replies()).hasSize(2)
                .allMatch(r -> ((Reply.OutcomeReply) r.value()).state() == TxState.COMMITTED);
        assertThat(outcome(h.commit(tx)).state()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void aTransactionWithoutParticipantsCommitsWithoutAnFsync() {
        TxId tx = h.begin();
        Outputs o = h.commit(tx);
        assertThat(o.mustSync()).as("nothing changed anywhere: nothing to make durable").isFalse();
        assertThat(outcome(o).state()).isEqualTo(TxState.COMMITTED);
        assertThat(h.core.stateOf(tx)).contains(CoordinatorTxState.ENDED);
    }
}
