package dev.pledge.participant.protocol;

import dev.pledge.core.LogLine;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import org.junit.jupiter.api.Test;

/** DESIGN.md: operators may force an in-doubt branch, recorded as such; a contradiction is HEURISTIC_MIXED, never hidden. */
class HeuristicResolveTest {
    private final CoreHarness h = new CoreHarness();
    private final TxId t1 = CoreHarness.tx(1);

    private Reply resolve(TxId tx, boolean commit) {
        long token = h.token();
        h.step(new Event.Resolve(h.nowMs, token, tx, commit, "alice"));
        return h.onlyReply(token);
    }

    private void inDoubt() {
        h.put(t1, "k", "v");
        h.prepare(t1);
    }

    @Test
    void aForcedCommitAppliesTheWritesAndIsRecordedAsHeuristic() {
        inDoubt();
        Reply.Resolved r = (Reply.Resolved) resolve(t1, true);
        assertThat(r.state()).isEqualTo(BranchState.HEURISTIC_COMMITTED);
        assertThat(r.forced()).isTrue();
        assertThat(h.last.records()).containsExactly(new Record.Applied(t1,
                java.util.List.of(Write.put(Key.utf8("k"), "v".getBytes())), h.nowMs, Record.Final.HEURISTIC_COMMITTED));
        assertThat(h.last.mustSync()).isTrue();
        assertThat(h.core.view().lockedKeys()).isEmpty();
        assertThat(h.core.view().branchState(t1)).isEqualTo(BranchState.HEURISTIC_COMMITTED);
    }

    @Test
    void aRealDecisionThatContradictsTheOperatorIsReportedAsHeuristicMixed() {
        inDoubt();
        resolve(t1, false);
        Reply.Acked ack = (Reply.Acked) h.commit(t1);
        assertThat(ack.state()).isEqualTo(BranchState.HEURISTIC_MIXED);
        assertThat(h.last.records()).containsExactly(new Record.Concluded(t1, Record.Final.HEURISTIC_MIXED, h.nowMs));
        assertThat(h.last.logLines()).anyMatch(LogLine::error);
        assertThat(h.core.view().branchState(t1)).isEqualTo(BranchState.HEURISTIC_MIXED);
    }

    @Test
    void aRealDecisionThatAgreesKeepsTheHeuristicState() {
        inDoubt();
        resolve(t1, true);
        assertThat(((Reply.Acked) h.commit(t1)).state()).isEqualTo(BranchState.HEURISTIC_COMMITTED);
        assertThat(h.last.records()).isEmpty();
    }

    @Test
    void onlyInDoubtBranchesCanBeForced() {
        h.put(t1, "k", "v");
        assertThat(((Reply.Failed) resolve(t1, true)).kind()).isEqualTo(Reply.ErrorKind.NOT_ALLOWED);
        assertThat(((Reply.Failed) resolve(CoreHarness.tx(9), true)).kind()).isEqualTo(Reply.ErrorKind.UNKNOWN_TRANSACTION);
    }

    @Test
    void peersAreNotToldAnOperatorsGuess() {
        inDoubt();
        resolve(t1, true);
        assertThat(((Reply.PeerAnswer) h.peerState(t1)).state()).isEqualTo(BranchState.PREPARED);
    }
}
