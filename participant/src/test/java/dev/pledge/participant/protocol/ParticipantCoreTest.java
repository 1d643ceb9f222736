package dev.pledge.participant.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.AbortReason;
import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.core.Vote;
import org.junit.jupiter.api.Test;

/** The participant rules of docs/protocol.md, one test per sentence. */
class ParticipantCoreTest {
    private final CoreHarness h = new CoreHarness();
    private final TxId t1 = CoreHarness.tx(1);
    private final TxId t2 = CoreHarness.tx(2);

    @Test
    void firstAccessEnlistsBeforeAnswering() {
        Event.Access a = h.write(t1, "k", "v");
        Outputs out = h.step(a);
        assertThat(out.messages()).containsExactly(new Message.Enlist(t1, h.core.view().incarnation()));
        assertThat(out.replies()).isEmpty();
        h.step(Event.EnlistResult.ok(h.nowMs, t1, 10_000));
        assertThat(h.last.replies()).containsExactly(new Reply.Granted(a.token(), false, null));
    }

    @Test
    void aBranchReadsItsOwnBufferedWrites() {
        h.put(t1, "k", "v1");
        Reply r = h.get(t1, "k");
        assertThat(((Reply.Granted) r).bufferedValue()).isEqualTo("v1".getBytes());
        assertThat(((Reply.Granted) h.get(t1, "other")).readStore()).isTrue();
    }

    @Test
    void preparedIsSyncedInTheSameOutputsAsTheYesVote() {
        h.put(t1, "k", "v");
        Reply vote = h.prepare(t1);
        assertThat(vote).isInstanceOf(Reply.Voted.class);
        assertThat(((Reply.Voted) vote).vote()).isEqualTo(Vote.YES);
        assertThat(h.last.records()).hasSize(1).first().isInstanceOf(Record.Prepared.class);
        assertThat(h.last.mustSync()).isTrue();
    }

    @Test
    void readOnlyBranchVotesReadOnlyAndReleasesItsLocks() {
        h.get(t1, "k");
        assertThat(((Reply.Voted) h.prepare(t1)).vote()).isEqualTo(Vote.READ_ONLY);
        assertThat(h.core.view().locksHeldBy(t1)).isEmpty();
        assertThat(h.core.view().liveBranches()).isZero();
    }

    @Test
    void prepareReleasesSharedLocksAndKeepsExclusiveLocksOnWrittenKeys() {
        h.get(t1, "read");
        h.put(t1, "written", "v");
        h.prepare(t1);
        assertThat(h.core.view().locksHeldBy(t1)).containsOnlyKeys(Key.utf8("written"));
    }

    @Test
    void readForUpdateTakesAnExclusiveLockThatPrepareReleasesIfTheKeyWasNotWritten() {
        Key k = Key.utf8("seat");
        Event.Access a = new Event.Access(h.nowMs, h.token(), t1, 1, k, Event.AccessMode.READ_FOR_UPDATE, null);
        h.enlistWith(t1, a);
        assertThat(h.onlyReply(a.token())).isEqualTo(new Reply.Granted(a.token(), true, null));
        assertThat(h.core.view().locksHeldBy(t1)).containsEntry(k, LockMode.EXCLUSIVE);
        h.put(t1, "written", "v");
        h.prepare(t1);
        assertThat(h.core.view().locksHeldBy(t1)).containsOnlyKeys(Key.utf8("written"));
    }

    @Test
    void validationNoVotesNoWithTheMessageAndAborts() {
        h.put(t1, "k", "v");
        Reply.Voted vote = (Reply.Voted) h.prepare(t1, h.core.view().incarnation(), Event.Verdict.no("course full"));
        assertThat(vote.vote()).isEqualTo(Vote.NO);
        assertThat(vote.reason()).isEqualTo(AbortReason.VALIDATION_FAILED);
        assertThat(vote.message()).isEqualTo("course full");
        assertThat(h.core.view().branchState(t1)).isEqualTo(BranchState.ABORTED);
        assertThat(h.core.view().locksHeldBy(t1)).isEmpty();
    }

    @Test
    void commitRecordIsSyncedBeforeTheAckAndReleasesLocks() {
        h.put(t1, "k", "v");
        h.prepare(t1);
        Reply ack = h.commit(t1);
        assertThat(ack).isEqualTo(new Reply.Acked(ack.token(), BranchState.COMMITTED));
        assertThat(h.last.records()).hasSize(1).first().isInstanceOf(Record.Applied.class);
        assertThat(h.last.mustSync()).isTrue();
        assertThat(h.core.view().lockedKeys()).isEmpty();
    }

    @Test
    void abortOfPreparedBranchIsNotSynced() {
        h.put(t1, "k", "v");
        h.prepare(t1);
        h.abort(t1);
        assertThat(h.last.records()).hasSize(1).first().isInstanceOf(Record.Concluded.class);
        assertThat(h.last.mustSync()).isFalse();
        assertThat(h.core.view().lockedKeys()).isEmpty();
    }

    @Test
    void duplicatePrepareCommitAndAbortAreHarmless() {
        h.put(t1, "k", "v");
        assertThat(((Reply.Voted) h.prepare(t1)).vote()).isEqualTo(Vote.YES);
        assertThat(((Reply.Voted) h.prepare(t1)).vote()).isEqualTo(Vote.YES);
        assertThat(h.last.records()).isEmpty();
        h.commit(t1);
        assertThat(((Reply.Acked) h.commit(t1)).state()).isEqualTo(BranchState.COMMITTED);
        assertThat(h.last.records()).isEmpty();
        Reply.Voted late = (Reply.Voted) h.prepare(t1);
        assertThat(late.vote()).as("a prepare after the branch committed repeats its durable YES").isEqualTo(Vote.YES);
        assertThat(h.last.records()).isEmpty();

        h.put(t2, "k", "v");
        h.abort(t2);
        assertThat(((Reply.Acked) h.abort(t2)).state()).isEqualTo(BranchState.ABORTED);
        assertThat(((Reply.Voted) h.prepare(t2)).vote()).isEqualTo(Vote.NO);
    }

    @Test
    void commitAndAbortOfAnUnknownBranchAreAcked() {
        assertThat(((Reply.Acked) h.commit(t1)).state()).isEqualTo(BranchState.COMMITTED);
        assertThat(((Reply.Acked) h.abort(t2)).state()).isEqualTo(BranchState.ABORTED);
        assertThat(h.last.records()).isEmpty();
    }

    @Test
    void prepareOfAnUnknownBranchVotesNo() {
        Reply.Voted vote = (Reply.Voted) h.prepare(t1);
        assertThat(vote.vote()).isEqualTo(Vote.NO);
        assertThat(vote.reason()).isEqualTo(AbortReason.UNKNOWN_BRANCH);
    }

    @Test
    void incarnationMismatchVotesNo() {
        h.put(t1, "k", "v");
        Reply.Voted vote = (Reply.Voted) h.prepare(t1, h.core.view().incarnation() - 1 + 100, Event.Verdict.OK);
        assertThat(vote.vote()).isEqualTo(Vote.NO);
        assertThat(vote.reason()).isEqualTo(AbortReason.PARTICIPANT_RESTARTED);
    }

    @Test
    void unpreparedBranchIsAbortedAtItsDeadline() {
        h.put(t1, "k", "v");
        h.nowMs += 30_000;
        h.fire(new Timer.BranchDeadline(t1));
        assertThat(h.core.view().branchState(t1)).isEqualTo(BranchState.ABORTED);
        assertThat(h.core.view().lockedKeys()).isEmpty();
    }

    @Test
    void preparedParticipantNeverAbortsOnItsOwn() {
        h.put(t1, "k", "v");
        h.prepare(t1);
        h.nowMs += 10 * 60_000;
        h.fire(new Timer.BranchDeadline(t1));
        h.fire(new Timer.LockWait(t1, Key.utf8("k"), 1));
        h.fire(new Timer.OutcomeSweep());
        assertThat(h.core.view().branchState(t1)).isEqualTo(BranchState.PREPARED);
        assertThat(h.core.view().locksHeldBy(t1)).containsOnlyKeys(Key.utf8("k"));
    }

    @Test
    void olderTransactionWaitsAndYoungerDies() {
        h.put(t2, "k", "young");
        Event.Access olderWrite = h.write(t1, "k", "old");
        h.enlistWith(t1, olderWrite);
        assertThat(h.replyFor(olderWrite.token())).isNull();
        assertThat(h.core.view().isWaiting(t1, Key.utf8("k"))).isTrue();

        TxId t3 = CoreHarness.tx(3);
        Reply.Failed died = (Reply.Failed) h.put(t3, "k", "youngest");
        assertThat(died.reason()).isEqualTo(AbortReason.DEADLOCK_AVOIDED);
        assertThat(died.kind()).isEqualTo(Reply.ErrorKind.NOT_ALLOWED);
        assertThat(h.core.view().branchState(t3)).isEqualTo(BranchState.ABORTED);
    }

    @Test
    void lockWaitTimeoutAbortsTheWaiterAndReleasesItsLocks() {
        h.put(t2, "k", "young");
        h.put(t1, "mine", "x");
        Event.Access olderWrite = h.write(t1, "k", "old");
        h.step(olderWrite);
        Timer.LockWait wait = h.lastTimer(Timer.LockWait.class);
        h.nowMs += 2_000;
        h.fire(wait);
        Reply.Failed failed = (Reply.Failed) h.onlyReply(olderWrite.token());
        assertThat(failed.reason()).isEqualTo(AbortReason.LOCK_TIMEOUT);
        assertThat(h.last.logLines().get(0).text()).isEqualTo(
                "course-c tx coord-1.7.1 ACTIVE -> ABORTED (lock wait timed out on key k)");
        assertThat(h.core.view().locksHeldBy(t1)).isEmpty();
        assertThat(h.core.view().lockHolders(Key.utf8("k"))).containsOnlyKeys(t2);
    }

    @Test
    void aLockWaitEndsAtItsLimitOrAtTheTransactionDeadlineWhicheverComesFirst() {
        h.put(CoreHarness.tx(3), "k", "youngest");
        h.step(h.write(t2, "k", "younger"));
        h.step(Event.EnlistResult.ok(h.nowMs, t2, 30_000));
        assertThat(fireAtMs(Timer.LockWait.class)).isEqualTo(h.nowMs + h.core.config.lockWaitMaxMs());

        h.step(h.write(t1, "k", "oldest"));
        h.step(Event.EnlistResult.ok(h.nowMs, t1, 10));
        assertThat(fireAtMs(Timer.LockWait.class)).isEqualTo(h.nowMs + 10);
    }

    @Test
    void aTimerIsNeverSetBeforeTheEventThatAskedForIt() {
        h.put(CoreHarness.tx(3), "k", "young");
        h.put(t1, "mine", "x");
        h.nowMs += 60_000; // t1's deadline has passed, and its deadline timer has not fired yet
        h.step(h.write(t1, "k", "old"));
        assertThat(fireAtMs(Timer.LockWait.class)).isEqualTo(h.nowMs);
    }

    /** When the last Outputs asks the timer of this type to fire (the timer's time is absolute). */
    private long fireAtMs(Class<? extends Timer> type) {
        return h.last.timers().stream().filter(r -> type.isInstance(r.timer())).reduce((x, y) -> y).orElseThrow().fireAtMs();
    }

    @Test
    void commitOfAPreparedBranchReleasesItsLocksToWaiters() {
        h.put(t2, "k", "young");
        h.prepare(t2);
        Event.Access olderRead = h.read(t1, "k");
        h.enlistWith(t1, olderRead);
        assertThat(h.replyFor(olderRead.token())).isNull();
        h.commit(t2);
        assertThat(h.last.replies()).contains(new Reply.Granted(olderRead.token(), true, null));
    }

    @Test
    void abortOfAnUnpreparedBranchReleasesItsLocksToWaiters() {
        h.put(t2, "k", "young");
        Event.Access olderWrite = h.write(t1, "k", "old");
        h.enlistWith(t1, olderWrite);
        assertThat(h.replyFor(olderWrite.token())).isNull();
        h.abort(t2);
        assertThat(h.last.replies()).contains(new Reply.Granted(olderWrite.token(), false, null));
        assertThat(h.core.view().lockHolders(Key.utf8("k"))).containsOnlyKeys(t1);
    }

    @Test
    void peerStateOnAnUnvotedBranchAbortsItDurablyAndALaterPrepareVotesNo() {
        h.put(t1, "k", "v");
        Reply.PeerAnswer answer = (Reply.PeerAnswer) h.peerState(t1);
        assertThat(answer.state()).isEqualTo(BranchState.ABORTED);
        assertThat(h.last.records()).containsExactly(new Record.Concluded(t1, Record.Final.ABORTED, h.nowMs));
        assertThat(h.last.mustSync()).isTrue();
        Reply.Voted vote = (Reply.Voted) h.prepare(t1);
        assertThat(vote.vote()).isEqualTo(Vote.NO);
        assertThat(vote.reason()).isEqualTo(AbortReason.COOPERATIVE_TERMINATION);
    }

    @Test
    void anInquiryChangesNothingUnvotedBranchesAndUnknownTransactionsStayOpenToAYes() {
        h.put(t1, "k", "v");
        assertThat(((Reply.PeerAnswer) h.inquire(t1)).state()).isEqualTo(BranchState.ACTIVE);
        assertThat(((Reply.PeerAnswer) h.inquire(t2)).state()).isEqualTo(BranchState.UNKNOWN);
        assertThat(h.last.records()).as("an inquiry writes nothing").isEmpty();

        assertThat(((Reply.Voted) h.prepare(t1)).vote()).isEqualTo(Vote.YES);
        assertThat(((Reply.PeerAnswer) h.inquire(t1)).state()).isEqualTo(BranchState.PREPARED);
        h.commit(t1);
        assertThat(((Reply.PeerAnswer) h.inquire(t1)).state()).isEqualTo(BranchState.COMMITTED);
    }

    @Test
    void peerStateReportsPreparedAndFinalStates() {
        h.put(t1, "k", "v");
        h.prepare(t1);
        assertThat(((Reply.PeerAnswer) h.peerState(t1)).state()).isEqualTo(BranchState.PREPARED);
        h.commit(t1);
        assertThat(((Reply.PeerAnswer) h.peerState(t1)).state()).isEqualTo(BranchState.COMMITTED);
        assertThat(((Reply.PeerAnswer) h.peerState(t2)).state()).isEqualTo(BranchState.ABORTED);
    }

    @Test
    void retriedOperationReturnsTheFirstResult() {
        long begin = h.token();
        h.step(new Event.BeginOp(h.nowMs, begin, t1, 5));
        assertThat(h.onlyReply(begin)).isInstanceOf(Reply.Proceed.class);
        h.put(t1, "k", "v");
        h.step(new Event.EndOp(h.nowMs, t1, 5, "first result"));
        long retry = h.token();
        h.step(new Event.BeginOp(h.nowMs, retry, t1, 5));
        assertThat(h.onlyReply(retry)).isEqualTo(new Reply.Cached(retry, "first result"));
    }

    @Test
    void prepareWhileAnOperationIsStillRunningVotesNo() {
        h.enlistWith(t1, h.write(t1, "k", "half"));
        Reply.Voted vote = (Reply.Voted) h.prepare(t1);
        assertThat(vote.vote()).isEqualTo(Vote.NO);
        assertThat(vote.message()).contains("still running");
    }

    @Test
    void anOperationThatFailedAfterWritingMakesTheBranchVoteNoUnlessARetryCompletesIt() {
        h.enlistWith(t1, h.write(t1, "k", "half"));
        h.step(new Event.OpFailed(h.nowMs, t1, 1));
        CoreHarness other = new CoreHarness();
        other.enlistWith(t1, other.write(t1, "k", "half"));
        other.step(new Event.OpFailed(other.nowMs, t1, 1));

        assertThat(((Reply.Voted) h.prepare(t1)).vote()).isEqualTo(Vote.NO);

        Event.Access retry = other.write(t1, "k", "whole");
        other.step(retry);
        other.step(new Event.EndOp(other.nowMs, t1, 1, null));
        assertThat(((Reply.Voted) other.prepare(t1)).vote()).isEqualTo(Vote.YES);
    }

    @Test
    void onePhaseCommitAppliesInOneSyncedRecord() {
        h.put(t1, "k", "v");
        long t = h.token();
        h.step(new Event.CommitOnePhase(h.nowMs, t, t1, h.core.view().incarnation(), Event.Verdict.OK));
        assertThat(h.onlyReply(t)).isEqualTo(new Reply.Acked(t, BranchState.COMMITTED));
        assertThat(h.last.records()).hasSize(1).first().isInstanceOf(Record.Applied.class);
        assertThat(h.last.mustSync()).isTrue();
    }
}
