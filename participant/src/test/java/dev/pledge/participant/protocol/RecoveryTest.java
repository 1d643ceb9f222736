package dev.pledge.participant.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.AbortReason;
import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.core.Vote;
import org.junit.jupiter.api.Test;

class RecoveryTest {
    private final TxId t1 = CoreHarness.tx(1);
    private final TxId t2 = CoreHarness.tx(2);

    @Test
    void everyStartSyncsANewIncarnation() {
        CoreHarness h = new CoreHarness();
        assertThat(h.all.get(0).records()).containsExactly(new Record.Storage(CoreHarness.STORAGE), new Record.Incarnation(1));
        assertThat(h.all.get(0).mustSync()).isTrue();
        CoreHarness again = h.restarted();
        assertThat(again.core.view().incarnation()).isEqualTo(2);
        assertThat(again.all.get(0).records()).as("the storage identity is made once").containsExactly(new Record.Incarnation(2));
    }

    @Test
    void recoveryRetakesExclusiveLocksOfPreparedBranchesAndPollsTheCoordinator() {
        CoreHarness before = new CoreHarness();
        before.get(t2, "read-only-key");
        before.put(t2, "k", "v");
        before.prepare(t2);
        CoreHarness after = before.restarted();

        assertThat(after.core.view().branchState(t2)).isEqualTo(BranchState.PREPARED);
        assertThat(after.core.view().locksHeldBy(t2)).containsOnlyKeys(Key.utf8("k"));
        Timer.InDoubtPoll poll = after.lastTimer(Timer.InDoubtPoll.class);
        after.fire(poll);
        assertThat(after.last.messages()).containsExactly(new Message.AskCoordinatorStatus(t2));

        // The recovered lock holds: a younger writer queues behind it (a prepared branch never
        // waits, so waiting on it is safe) and gives up at its lock-wait limit, never granted.
        TxId t3 = CoreHarness.tx(3);
        Event.Access blocked = after.write(t3, "k", "x");
        after.enlistWith(t3, blocked);
        assertThat(after.replyFor(blocked.token())).isNull();
        assertThat(after.core.view().isWaiting(t3, Key.utf8("k"))).isTrue();
        after.nowMs += 2_000;
        after.fire(after.lastTimer(Timer.LockWait.class));
        assertThat(((Reply.Failed) after.onlyReply(blocked.token())).reason()).isEqualTo(AbortReason.LOCK_TIMEOUT);
        assertThat(after.core.view().lockHolders(Key.utf8("k"))).containsOnlyKeys(t2);
        assertThat(after.put(CoreHarness.tx(4), "other", "x")).isInstanceOf(Reply.Granted.class);
    }

    @Test
    void recoveredBranchCommitsWhenTheCoordinatorSaysCommitted() {
        CoreHarness before = new CoreHarness();
        before.put(t1, "k", "v");
        before.prepare(t1);
        CoreHarness after = before.restarted();
        after.fire(after.lastTimer(Timer.InDoubtPoll.class));
        assertThat(after.last.timers()).extracting(Timer.Request::timer).containsExactly(new Timer.InDoubtPoll(t1, 1));
        after.status(t1, TxState.PREPARING);
        assertThat(after.core.view().branchState(t1)).isEqualTo(BranchState.PREPARED);
        after.status(t1, TxState.COMMITTED);
        assertThat(after.last.records()).hasSize(1).first().isInstanceOf(Record.Applied.class);
        assertThat(after.core.view().branchState(t1)).isEqualTo(BranchState.COMMITTED);
        assertThat(after.core.view().lockedKeys()).isEmpty();
    }

    @Test
    void inDoubtPollingGoesOnWhenAnAnswerIsLost() {
        CoreHarness before = new CoreHarness();
        before.put(t1, "k", "v");
        before.prepare(t1);
        CoreHarness after = before.restarted();
        for (int attempt = 0; attempt < 3; attempt++) {
            after.fire(after.lastTimer(Timer.InDoubtPoll.class));
            assertThat(after.last.messages()).containsExactly(new Message.AskCoordinatorStatus(t1));
        }
    }

    @Test
    void forgottenDoesNotResolveTheBranchButSendsItToItsPeers() {
        CoreHarness before = new CoreHarness();
        before.put(t1, "k", "v");
        before.prepare(t1);
        CoreHarness after = before.restarted();
        after.status(t1, TxState.FORGOTTEN);
        assertThat(after.core.view().branchState(t1)).isEqualTo(BranchState.PREPARED);
        assertThat(after.last.records()).isEmpty();
        assertThat(after.last.logLines()).as("routine under implicit commit: a restarted coordinator forgets")
                .singleElement().matches(l -> !l.error());
        assertThat(after.last.messages()).containsExactly(new Message.AskPeer(t1, "student-a"));
        assertThat(after.core.view().inDoubt()).singleElement().matches(CoreView.InDoubt::forgotten);
        assertThat(after.core.view().counters()).containsEntry("inDoubt.forgottenAlarms", 1L);
    }

    @Test
    void outcomesAreSweptAfterTheirRetention() {
        CoreConfig config = new CoreConfig("course-c", 2_000, 60_000, 100, 5_000, 100, 8, 1_000);
        CoreHarness h = new CoreHarness(config, java.util.List.of());
        h.put(t1, "k", "v");
        h.prepare(t1);
        h.commit(t1);
        h.nowMs += 59_000;
        h.fire(new Timer.OutcomeSweep());
        assertThat(h.core.view().branchState(t1)).isEqualTo(BranchState.COMMITTED);
        h.nowMs += 2_000;
        h.fire(new Timer.OutcomeSweep());
        assertThat(h.last.records()).containsExactly(new Record.OutcomeForgotten(t1), new Record.SweptUpTo(t1));
        assertThat(h.last.mustSync()).isFalse();
        assertThat(h.core.view().branchState(t1)).isEqualTo(BranchState.UNKNOWN);
    }

    @Test
    void unpreparedBranchesAreGoneAfterARestartAndVoteNo() {
        CoreHarness before = new CoreHarness();
        before.put(t1, "k", "v");
        CoreHarness after = before.restarted();
        Reply.Voted vote = (Reply.Voted) after.prepare(t1, 1, Event.Verdict.OK);
        assertThat(vote.vote()).isEqualTo(Vote.NO);
    }

    @Test
    void aRestartedParticipantStillKnowsItsReadOnlyVote() {
        CoreHarness before = new CoreHarness();
        before.get(t1, "k");
        before.prepare(t1);
        CoreHarness after = before.restarted();
        assertThat(((Reply.PeerAnswer) after.peerState(t1)).state()).isEqualTo(BranchState.PREPARED);
    }
}
