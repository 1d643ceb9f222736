package dev.pledge.participant.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.AbortReason;
import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.core.Vote;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Branches whose whole write set arrives with the prepare or the one-phase commit (write-only
 * transactions buffered at the client, and XA branches), and externally coordinated branches.
 */
class WritesWithPrepareTest {
    private static final List<String> BOTH = List.of("course-c", "student-a");
    private final CoreHarness h = new CoreHarness();
    private final TxId t1 = CoreHarness.tx(1);
    private final TxId t2 = CoreHarness.tx(2);
    private final TxId xa = new TxId(TxId.EXTERNAL_PREFIX + "7:ab:01", 1, 1);

    private static Write put(String key, String value) {
        return Write.put(Key.utf8(key), value.getBytes());
    }

    private Reply.Voted prepareWith(TxId tx, Event.Verdict verdict, Write... writes) {
        long t = h.token();
        h.step(new Event.Prepare(h.nowMs, t, tx, BOTH, tx.coordinatorId(), 0, verdict, List.of(writes)));
        return (Reply.Voted) h.onlyReply(t);
    }

    private Reply.Acked onePhaseWith(TxId tx, Write... writes) {
        long t = h.token();
        h.step(new Event.CommitOnePhase(h.nowMs, t, tx, 0, Event.Verdict.OK, List.of(writes)));
        return (Reply.Acked) h.onlyReply(t);
    }

    @Test
    void aBranchIsBornLockedAndPreparedInOneSyncedStep() {
        Reply.Voted v = prepareWith(t1, Event.Verdict.OK, put("a", "1"), put("b", "2"));

        assertThat(v.vote()).isEqualTo(Vote.YES);
        assertThat(h.last.mustSync()).isTrue();
        assertThat(h.last.records()).singleElement().isInstanceOfSatisfying(Record.Prepared.class,
                p -> assertThat(p.writes()).containsExactly(put("a", "1"), put("b", "2")));
        assertThat(h.core.view().locksHeldBy(t1)).containsOnlyKeys(Key.utf8("a"), Key.utf8("b"));
        assertThat(h.commit(t1)).isEqualTo(new Reply.Acked(h.nextToken - 1, BranchState.COMMITTED));
        assertThat(h.core.view().locksHeldBy(t1)).isEmpty();
    }

    @Test
    void aRepeatedPrepareReturnsTheFirstVoteAndDoesNotPrepareAgain() {
        prepareWith(t1, Event.Verdict.OK, put("a", "1"));
        Reply.Voted again = prepareWith(t1, Event.Verdict.OK, put("a", "1"));
        assertThat(again.vote()).isEqualTo(Vote.YES);
        assertThat(h.last.records()).isEmpty();

        h.commit(t1);
        Reply.Voted late = prepareWith(t1, Event.Verdict.OK, put("a", "2"));
        assertThat(late.vote()).as("a late prepare repeats the durable vote the commit was decided on").isEqualTo(Vote.YES);
        assertThat(h.last.records()).as("a finished branch is not born twice").isEmpty();
    }

    @Test
    void aKeyLockedByAnotherTransactionMeansNoWithoutWaiting() {
        h.put(t2, "a", "other");

        Reply.Voted v = prepareWith(t1, Event.Verdict.OK, put("b", "1"), put("a", "1"));

        assertThat(v.vote()).isEqualTo(Vote.NO);
        assertThat(v.reason()).isEqualTo(AbortReason.LOCK_TIMEOUT);
        assertThat(v.message()).contains("a");
        assertThat(h.core.view().locksHeldBy(t1)).as("locks taken before the conflict are released").isEmpty();
        assertThat(h.core.view().isWaiting(t1, Key.utf8("a"))).isFalse();
        assertThat(h.core.view().branchState(t1)).isEqualTo(BranchState.ABORTED);
        assertThat(prepareWith(t1, Event.Verdict.OK, put("b", "1")).vote()).as("the NO is remembered").isEqualTo(Vote.NO);
    }

    @Test
    void theValidatorsNoAbortsTheNewBranch() {
        Reply.Voted v = prepareWith(t1, Event.Verdict.no("course full"), put("a", "1"));
        assertThat(v.vote()).isEqualTo(Vote.NO);
        assertThat(v.message()).isEqualTo("course full");
        assertThat(h.core.view().locksHeldBy(t1)).isEmpty();
    }

    @Test
    void writesSentToABranchThatOperationsBuiltAreRefused() {
        h.put(t1, "a", "1");
        Reply.Voted v = prepareWith(t1, Event.Verdict.OK, put("b", "2"));
        assertThat(v.vote()).isEqualTo(Vote.NO);
        assertThat(v.message()).contains("operations had already built this branch");
    }

    @Test
    void onePhaseWithWritesCommitsDurablyInOneStep() {
        Reply.Acked a = onePhaseWith(t1, put("a", "1"));
        assertThat(a.state()).isEqualTo(BranchState.COMMITTED);
        assertThat(h.last.mustSync()).isTrue();
        assertThat(h.last.records()).singleElement().isInstanceOf(Record.Applied.class);
        assertThat(h.core.view().locksHeldBy(t1)).isEmpty();
        assertThat(onePhaseWith(t1, put("a", "1")).state()).as("a repeat answers, never applies twice")
                .isEqualTo(BranchState.COMMITTED);
        assertThat(h.last.records()).isEmpty();
    }

    @Test
    void onePhaseWithALockedKeyAbortsDurablySoARepeatAfterARestartCannotCommitIt() {
        h.put(t2, "a", "other");
        assertThat(onePhaseWith(t1, put("a", "1")).state()).isEqualTo(BranchState.ABORTED);
        assertThat(h.core.view().locksHeldBy(t1)).isEmpty();
        assertThat(h.last.mustSync()).as("the ABORTED answer is the decision").isTrue();

        CoreHarness after = h.restarted();
        long t = after.token();
        after.step(new Event.CommitOnePhase(after.nowMs, t, t1, 0, Event.Verdict.OK, List.of(put("a", "1"))));
        assertThat(((Reply.Acked) after.onlyReply(t)).state()).isEqualTo(BranchState.ABORTED);
    }

    @Test
    void onePhaseRefusedByTheValidatorAbortsDurablyToo() {
        long t = h.token();
        h.step(new Event.CommitOnePhase(h.nowMs, t, t1, 0, Event.Verdict.no("course full"), List.of(put("a", "1"))));
        assertThat(((Reply.Acked) h.onlyReply(t)).message()).isEqualTo("course full");
        assertThat(h.last.mustSync()).isTrue();
    }

    @Test
    void anExternalBranchNeverAsksAPledgeCoordinatorEvenAfterARestart() {
        assertThat(prepareWith(xa, Event.Verdict.OK, put("a", "1")).vote()).isEqualTo(Vote.YES);
        assertThat(h.last.timers()).as("no in-doubt poll for an external branch").isEmpty();

        CoreHarness after = h.restarted();
        assertThat(after.core.view().branchState(xa)).isEqualTo(BranchState.PREPARED);
        assertThat(after.all).allSatisfy(o -> {
            assertThat(o.messages()).isEmpty();
            assertThat(o.timers()).noneMatch(t -> t.timer() instanceof Timer.InDoubtPoll);
        });
        assertThat(after.commit(xa)).isInstanceOfSatisfying(Reply.Acked.class,
                a -> assertThat(a.state()).isEqualTo(BranchState.COMMITTED));
    }

    @Test
    void operationsOfAnExternalTransactionAreRefusedClearly() {
        Event.Access a = h.write(xa, "a", "1");
        h.step(a);
        assertThat(h.onlyReply(a.token())).isInstanceOfSatisfying(Reply.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo(Reply.ErrorKind.INVALID);
            assertThat(f.message()).contains("coordinated externally");
        });
        assertThat(h.last.messages()).as("no enlist for it").isEmpty();
    }
}
