package dev.pledge.coordinator.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.AbortReason;
import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Status from the participants' durable votes: decided only by votes, never by a missing answer. */
class VoteTallyTest {
    private static final TxId TX = new TxId("coord-1", 3, 7);
    private static final List<String> AB = List.of("A", "B");

    private static Reply.StatusReply tally(Map<String, BranchState> answers) {
        return VoteTally.of(TX, AB, answers, Map.of("B", "connection refused"));
    }

    @Test
    void everyYesIsCommitted() {
        assertThat(tally(Map.of("A", BranchState.PREPARED, "B", BranchState.PREPARED)).state())
                .isEqualTo(TxState.COMMITTED);
    }

    @Test
    void oneCommittedBranchIsCommittedWhateverTheOthersSay() {
        assertThat(tally(Map.of("A", BranchState.COMMITTED)).state()).isEqualTo(TxState.COMMITTED);
        assertThat(tally(Map.of("A", BranchState.COMMITTED, "B", BranchState.UNKNOWN)).state())
                .as("B swept its outcome").isEqualTo(TxState.COMMITTED);
    }

    @Test
    void oneRefusalIsAborted() {
        Reply.StatusReply r = tally(Map.of("A", BranchState.PREPARED, "B", BranchState.ABORTED));
        assertThat(r.state()).isEqualTo(TxState.ABORTED);
        assertThat(r.reason()).isEqualTo(AbortReason.PARTICIPANT_VOTED_NO);
        assertThat(r.participants()).containsExactly("A", "B");
    }

    @Test
    void aMissingOrUnvotedAnswerDecidesNothing() {
        Reply.StatusReply unreachable = tally(Map.of("A", BranchState.PREPARED));
        assertThat(unreachable.state()).isEqualTo(TxState.PREPARING);
        assertThat(unreachable.message()).contains("B: unreachable (connection refused)");
        assertThat(tally(Map.of("A", BranchState.PREPARED, "B", BranchState.ACTIVE)).state()).isEqualTo(TxState.PREPARING);
        assertThat(tally(Map.of("A", BranchState.PREPARED, "B", BranchState.UNKNOWN)).state())
                .as("B may not have had its prepare yet").isEqualTo(TxState.PREPARING);
    }

    @Test
    void nobodyKnowingItIsForgottenNeverAborted() {
        assertThat(tally(Map.of("A", BranchState.UNKNOWN, "B", BranchState.UNKNOWN)).state()).isEqualTo(TxState.FORGOTTEN);
    }

    @Test
    void bothOutcomesOnRecordAreReportedAsDamage() {
        Reply.StatusReply r = tally(Map.of("A", BranchState.COMMITTED, "B", BranchState.ABORTED));
        assertThat(r.state()).isEqualTo(TxState.COMMITTED);
        assertThat(r.damage()).hasSize(1);
    }
}
