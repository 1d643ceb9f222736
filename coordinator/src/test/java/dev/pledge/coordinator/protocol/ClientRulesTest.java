package dev.pledge.coordinator.protocol;

import static dev.pledge.coordinator.protocol.CoreHarness.A;
import static dev.pledge.coordinator.protocol.CoreHarness.B;
import static dev.pledge.coordinator.protocol.CoreHarness.onlyReply;
import static dev.pledge.coordinator.protocol.CoreHarness.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.AbortReason;
import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.core.Vote;
import org.junit.jupiter.api.Test;

class ClientRulesTest {
    private final CoreHarness h = new CoreHarness();

    private static Reply.ErrorReply error(Outputs o) {
        return (Reply.ErrorReply) onlyReply(o);
    }

    @Test
    void beginHandsOutIncreasingIdsOfTheCurrentEpochAndClampsTheTimeout() {
        Outputs o = h.step(new Event.Begin(h.nowMs, 1, 1));
        Reply.BeginOk first = (Reply.BeginOk) onlyReply(o);
        assertThat(first.txTimeoutMs()).isEqualTo(h.config.txTimeoutMinMs());
        assertThat(first.txId()).isEqualTo(new TxId("coord-1", 1, 1));
        long deadlineMs = h.nowMs + h.config.txTimeoutMinMs();
        assertThat(o.timers()).containsExactly(new Timer.Request(new Timer.Deadline(deadlineMs), deadlineMs));
        assertThat(h.begin()).isEqualTo(new TxId("coord-1", 1, 2));
    }

    @Test
    void aNegativeTimeoutIsInvalid() {
        assertThat(error(h.step(new Event.Begin(h.nowMs, 1, -5))).kind()).isEqualTo(Reply.ErrorKind.INVALID);
    }

    @Test
    void anUnregisteredParticipantIdIsInvalidArgument() {
        TxId tx = h.begin();
        assertThat(error(h.enlist(tx, "mallory", 1)).kind()).isEqualTo(Reply.ErrorKind.INVALID);
        assertThat(((Reply.StatusReply) h.status(tx)).participants()).isEmpty();
    }

    @Test
    void enlistIsIdempotentAndAnswersTheRemainingTime() {
        TxId tx = h.beginWith(A);
        h.nowMs += 400;
        Reply.EnlistOk again = (Reply.EnlistOk) onlyReply(h.enlist(tx, A, 1));
        assertThat(again.txRemainingMs()).isEqualTo(h.config.txTimeoutDefaultMs() - 400);
    }

    @Test
    void enlistAfterCommitStartedIsNotAllowed() {
        TxId tx = h.beginWith(A, B);
        h.commit(tx);
        Reply.ErrorReply e = error(h.enlist(tx, "course-c", 1));
        assertThat(e.kind()).isEqualTo(Reply.ErrorKind.NOT_ALLOWED);
        assertThat(e.state()).isEqualTo(TxState.PREPARING);
    }

    @Test
    void enlistFromANewIncarnationAbortsTheTransactionAsParticipantRestarted() {
        TxId tx = h.beginWith(A, B);
        Outputs o = h.enlist(tx, A, 2);
        assertThat(error(o).kind()).isEqualTo(Reply.ErrorKind.NOT_ALLOWED);
        assertThat(o.messages()).containsExactly(new Message.Abort(tx, A), new Message.Abort(tx, B));
        Reply.StatusReply s = (Reply.StatusReply) h.status(tx);
        assertThat(s.state()).isEqualTo(TxState.ABORTED);
        assertThat(s.reason()).isEqualTo(AbortReason.PARTICIPANT_RESTARTED);
    }

    @Test
    void prepareCarriesTheIncarnationThatEnlisted() {
        TxId tx = h.begin();
        h.enlist(tx, A, 7);
        h.enlist(tx, B, 3);
        assertThat(h.commit(tx).messages()).extracting(m -> ((Message.Prepare) m).incarnation()).containsExactly(7L, 3L);
    }

    @Test
    void commitAfterTheClientsOwnAbortIsNotAllowed() {
        TxId tx = h.beginWith(A);
        assertThat(outcome(h.abort(tx)).reason()).isEqualTo(AbortReason.CLIENT_REQUESTED);
        Reply.ErrorReply e = error(h.commit(tx));
        assertThat(e.kind()).isEqualTo(Reply.ErrorKind.NOT_ALLOWED);
        assertThat(e.state()).isEqualTo(TxState.ABORTED);
    }

    @Test
    void commitAfterAnyOtherAbortAnswersAbortedWithTheReason() {
        TxId tx = h.beginWith(A, B);
        h.commit(tx);
        h.vote(tx, B, Vote.NO);
        Reply.OutcomeReply again = outcome(h.commit(tx));
        assertThat(again.state()).isEqualTo(TxState.ABORTED);
        assertThat(again.reason()).isEqualTo(AbortReason.PARTICIPANT_VOTED_NO);
    }

    @Test
    void abortAfterCommitIsNotAllowed() {
        TxId tx = h.committedAndEnded();
        Reply.ErrorReply e = error(h.abort(tx));
        assertThat(e.kind()).isEqualTo(Reply.ErrorKind.NOT_ALLOWED);
        assertThat(e.state()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void abortDuringPreparingAsksTheUnvotedToRefuseAndAbortsOnlyOnARefusal() {
        TxId tx = h.beginWith(A, B);
        h.commit(tx);
        h.vote(tx, A, Vote.YES);
        Outputs asked = h.abort(tx);
        assertThat(asked.replies()).as("nothing is decided before B answers").isEmpty();
        assertThat(asked.records()).isEmpty();
        assertThat(asked.messages()).containsExactly(new Message.AskVote(tx, B));
        Outputs o = h.step(Event.ofVoteAnswer(h.nowMs, tx, B, BranchState.ABORTED, 0));
        assertThat(o.replies()).hasSize(2)
                .allMatch(r -> ((Reply.OutcomeReply) r.value()).state() == TxState.ABORTED);
        assertThat(((Reply.OutcomeReply) o.replies().get(0).value()).reason()).isEqualTo(AbortReason.CLIENT_REQUESTED);
        assertThat(o.messages()).containsExactly(new Message.Abort(tx, A));
        assertThat(h.vote(tx, B, Vote.YES).isEmpty()).as("a late YES changes nothing").isTrue();
    }

    @Test
    void abortDuringPreparingCannotUndoVotesAlreadyAllYes() {
        TxId tx = h.beginWith(A, B);
        h.commit(tx);
        h.vote(tx, A, Vote.YES);
        h.abort(tx);
        // B had voted before it was asked: T committed when B's YES became durable.
        Outputs o = h.step(Event.ofVoteAnswer(h.nowMs, tx, B, BranchState.PREPARED, 0));
        assertThat(o.replies()).hasSize(2);
        assertThat(((Reply.OutcomeReply) o.replies().get(0).value()).state()).isEqualTo(TxState.COMMITTED);
        assertThat(((Reply.ErrorReply) o.replies().get(1).value()).state()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void abortIsIdempotent() {
        TxId tx = h.beginWith(A);
        h.abort(tx);
        Outputs again = h.abort(tx);
        assertThat(outcome(again).state()).isEqualTo(TxState.ABORTED);
        assertThat(again.records()).isEmpty();
    }

    @Test
    void theDeadlineAbortsAnActiveTransaction() {
        TxId tx = h.beginWith(A);
        h.nowMs += h.config.txTimeoutDefaultMs();
        Outputs o = h.fire(new Timer.Deadline(h.nowMs));
        assertThat(o.records()).singleElement().isInstanceOfSatisfying(Record.Abort.class,
                a -> assertThat(a.reason()).isEqualTo(AbortReason.DEADLINE_EXCEEDED));
        assertThat(o.messages()).containsExactly(new Message.Abort(tx, A));
    }

    @Test
    void theDeadlineOfAPreparingTransactionAbortsItOnlyOnARefusal() {
        TxId tx = h.beginWith(A, B);
        h.commit(tx);
        h.vote(tx, A, Vote.YES);
        h.nowMs += h.config.txTimeoutDefaultMs();
        Outputs asked = h.fire(new Timer.Deadline(h.nowMs));
        assertThat(asked.replies()).as("a missing vote decides nothing").isEmpty();
        assertThat(asked.messages()).containsExactly(new Message.AskVote(tx, B));
        Outputs unreachable = h.step(new Event.PrepareFailed(h.nowMs, tx, B, "connection refused"));
        assertThat(unreachable.replies()).as("nor does an unreachable participant").isEmpty();
        assertThat(unreachable.timers()).singleElement().extracting(t -> t.timer()).isEqualTo(new Timer.DeliveryRetry(tx, B));
        assertThat(h.fire(new Timer.DeliveryRetry(tx, B)).messages()).containsExactly(new Message.AskVote(tx, B));
        Reply.OutcomeReply answer = outcome(h.step(Event.ofVoteAnswer(h.nowMs, tx, B, BranchState.ABORTED, 0)));
        assertThat(answer.state()).isEqualTo(TxState.ABORTED);
        assertThat(answer.reason()).isEqualTo(AbortReason.DEADLINE_EXCEEDED);
    }

    @Test
    void aRequestAfterTheDeadlineSeesTheAbortEvenBeforeTheTimerFires() {
        TxId tx = h.beginWith(A);
        h.nowMs += h.config.txTimeoutDefaultMs() + 1;
        assertThat(error(h.enlist(tx, B, 1)).state()).isEqualTo(TxState.ABORTED);
    }

    @Test
    void oneDeadlineTimerStandsForEveryLiveTransactionAndIsSetAgainForTheNextOne() {
        long t0 = h.nowMs;
        TxId first = h.begin(); // the default timeout
        Outputs later = h.step(new Event.Begin(h.nowMs, 1_000, h.config.txTimeoutDefaultMs() * 2));
        assertThat(later.timers()).as("a later deadline sets no timer").isEmpty();
        TxId sooner = ((Reply.BeginOk) onlyReply(h.step(new Event.Begin(h.nowMs, 1_001, h.config.txTimeoutMinMs())))).txId();
        long soonerMs = t0 + h.config.txTimeoutMinMs();
        long firstMs = t0 + h.config.txTimeoutDefaultMs();

        h.nowMs = soonerMs;
        Outputs fired = h.fire(new Timer.Deadline(soonerMs));

        assertThat(fired.records()).singleElement().isInstanceOfSatisfying(Record.Abort.class,
                a -> assertThat(a.txId()).isEqualTo(sooner));
        assertThat(fired.timers()).containsExactly(new Timer.Request(new Timer.Deadline(firstMs), firstMs));
        h.nowMs = firstMs;
        Outputs next = h.fire(new Timer.Deadline(firstMs));
        assertThat(next.records()).singleElement().isInstanceOfSatisfying(Record.Abort.class,
                a -> assertThat(a.txId()).isEqualTo(first));
        long laterMs = t0 + h.config.txTimeoutDefaultMs() * 2;
        assertThat(next.timers()).containsExactly(new Timer.Request(new Timer.Deadline(laterMs), laterMs));
        // The timer set first, for the same deadline, was superseded: it finds nothing due and sets none.
        assertThat(h.fire(new Timer.Deadline(firstMs)).isEmpty()).isTrue();
    }

    @Test
    void aConcludedTransactionLeavesNoDeadlineToWatch() {
        long deadlineMs = h.nowMs + h.config.txTimeoutDefaultMs();
        h.committedAndEnded();
        h.committedAndEnded();
        TxId live = h.begin();
        assertThat(h.core.deadlinesWatched()).as("only the live transaction's").isEqualTo(1);
        h.abort(live);
        assertThat(h.core.deadlinesWatched()).isZero();
        h.nowMs = deadlineMs;

        Outputs fired = h.fire(new Timer.Deadline(deadlineMs));

        assertThat(fired.isEmpty()).as("nothing expired, no timer set again").isTrue();
    }

    @Test
    void aDeadlineTimerAfterTheDecisionChangesNothing() {
        TxId tx = h.committedAndEnded();
        h.nowMs += h.config.txTimeoutDefaultMs();
        assertThat(h.fire(new Timer.Deadline(h.nowMs)).isEmpty()).isTrue();
    }
}
