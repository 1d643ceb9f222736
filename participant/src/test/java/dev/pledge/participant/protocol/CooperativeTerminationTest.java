package dev.pledge.participant.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import org.junit.jupiter.api.Test;

/** DESIGN.md: a prepared participant that cannot reach the coordinator asks its peers. */
class CooperativeTerminationTest {
    private final CoreHarness h = new CoreHarness();
    private final TxId t1 = CoreHarness.tx(1);

    /** Prepared, and the coordinator unreachable for longer than the configured peer-ask delay. */
    private void preparedAndCoordinatorUnreachable() {
        h.put(t1, "k", "v");
        h.prepare(t1);
        h.step(new Event.CoordinatorUnreachable(h.nowMs, t1, "connection refused"));
        h.nowMs += h.core.config.peerAskAfterMs();
        h.step(new Event.CoordinatorUnreachable(h.nowMs, t1, "connection refused"));
    }

    @Test
    void aCoordinatorUnreachableLongerThanConfiguredMakesAPreparedBranchAskItsPeers() {
        preparedAndCoordinatorUnreachable();
        assertThat(h.last.messages()).containsExactly(new Message.AskPeer(t1, "student-a"));
    }

    @Test
    void aShortCoordinatorOutageDoesNotTroubleThePeers() {
        h.put(t1, "k", "v");
        h.prepare(t1);
        h.step(new Event.CoordinatorUnreachable(h.nowMs, t1, "connection refused"));
        assertThat(h.last.messages()).isEmpty();
        h.nowMs += h.core.config.peerAskAfterMs() - 1;
        h.step(new Event.CoordinatorUnreachable(h.nowMs, t1, "timed out"));
        assertThat(h.last.messages()).isEmpty();
    }

    @Test
    void anAnswerFromTheCoordinatorRestartsTheOutageClock() {
        h.put(t1, "k", "v");
        h.prepare(t1);
        h.step(new Event.CoordinatorUnreachable(h.nowMs, t1, "connection refused"));
        h.nowMs += h.core.config.peerAskAfterMs();
        h.step(new Event.CoordinatorStatus(h.nowMs, t1, TxState.PREPARING, null));
        h.step(new Event.CoordinatorUnreachable(h.nowMs, t1, "connection refused"));
        assertThat(h.last.messages()).isEmpty();
    }

    @Test
    void aPeerThatCommittedDecidesCommit() {
        preparedAndCoordinatorUnreachable();
        h.step(new Event.PeerReplied(h.nowMs, t1, "student-a", BranchState.COMMITTED, null));
        assertThat(h.last.records()).hasSize(1).first().isInstanceOf(Record.Applied.class);
        assertThat(h.last.mustSync()).isTrue();
        assertThat(h.core.view().branchState(t1)).isEqualTo(BranchState.COMMITTED);
    }

    @Test
    void aPeerThatAbortedDecidesAbort() {
        preparedAndCoordinatorUnreachable();
        h.step(new Event.PeerReplied(h.nowMs, t1, "student-a", BranchState.ABORTED, null));
        assertThat(h.core.view().branchState(t1)).isEqualTo(BranchState.ABORTED);
        assertThat(h.core.view().lockedKeys()).isEmpty();
    }

    @Test
    void anUnreachablePeerLeavesTheBranchBlocked() {
        preparedAndCoordinatorUnreachable();
        h.step(new Event.PeerReplied(h.nowMs, t1, "student-a", null, "timed out"));
        assertThat(h.core.view().branchState(t1)).isEqualTo(BranchState.PREPARED);
        assertThat(h.core.view().inDoubt()).singleElement()
                .satisfies(d -> assertThat(d.peerViews()).containsEntry("student-a", "error: timed out"));
    }

    @Test
    void whenEveryPeerDurablyVotedYesTheBranchCommitsWithoutAnyCoordinator() {
        preparedAndCoordinatorUnreachable();
        h.step(new Event.PeerReplied(h.nowMs, t1, "student-a", BranchState.PREPARED, null));
        assertThat(h.last.records()).singleElement().isInstanceOf(Record.Applied.class);
        assertThat(h.last.mustSync()).isTrue();
        assertThat(h.core.view().branchState(t1)).isEqualTo(BranchState.COMMITTED);
    }

    @Test
    void aYesFromSomeButNotAllPeersLeavesTheBranchBlocked() {
        h.put(t1, "k", "v");
        h.prepare(t1, java.util.List.of("course-c", "student-a", "student-b"));
        h.status(t1, TxState.FORGOTTEN);
        h.step(new Event.PeerReplied(h.nowMs, t1, "student-a", BranchState.PREPARED, null));
        h.step(new Event.PeerReplied(h.nowMs, t1, "student-a", BranchState.PREPARED, null)); // a duplicate counts once
        h.step(new Event.PeerReplied(h.nowMs, t1, "student-b", null, "connection refused"));
        assertThat(h.core.view().branchState(t1)).isEqualTo(BranchState.PREPARED);
        h.step(new Event.PeerReplied(h.nowMs, t1, "student-b", BranchState.PREPARED, null));
        assertThat(h.core.view().branchState(t1)).isEqualTo(BranchState.COMMITTED);
    }

    @Test
    void aYesFromANodeOutsideTheParticipantSetCountsForNothing() {
        preparedAndCoordinatorUnreachable();
        h.step(new Event.PeerReplied(h.nowMs, t1, "student-b", BranchState.PREPARED, null));
        assertThat(h.core.view().branchState(t1)).isEqualTo(BranchState.PREPARED);
    }

    @Test
    void aForgottenBranchStillAsksItsPeers() {
        h.put(t1, "k", "v");
        h.prepare(t1);
        h.status(t1, TxState.FORGOTTEN);
        assertThat(h.last.messages()).containsExactly(new Message.AskPeer(t1, "student-a"));
        h.step(new Event.PeerReplied(h.nowMs, t1, "student-a", BranchState.COMMITTED, null));
        assertThat(h.core.view().branchState(t1)).isEqualTo(BranchState.COMMITTED);
    }

    /**
     * Soak seed 79651: the coordinator answered FORGOTTEN, the one question to the peer was lost,
     * and the branch stayed in doubt for good although the peer knew it had aborted. A forgotten
     * branch keeps asking its peers at every poll.
     */
    @Test
    void aForgottenBranchWhosePeerQuestionWasLostAsksAgainAtTheNextPoll() {
        h.put(t1, "k", "v");
        h.prepare(t1);
        h.fire(h.lastTimer(Timer.InDoubtPoll.class));
        h.status(t1, TxState.FORGOTTEN);
        h.step(new Event.PeerReplied(h.nowMs, t1, "student-a", null, "rpc failed"));

        h.fire(h.lastTimer(Timer.InDoubtPoll.class));
        assertThat(h.last.messages()).containsExactly(new Message.AskPeer(t1, "student-a"));
        assertThat(h.last.timers()).as("the poll chain goes on").isNotEmpty();
        h.step(new Event.PeerReplied(h.nowMs, t1, "student-a", BranchState.ABORTED, null));
        assertThat(h.core.view().branchState(t1)).isEqualTo(BranchState.ABORTED);
    }
}
