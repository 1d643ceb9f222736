package dev.pledge.coordinator.protocol;

import static dev.pledge.coordinator.protocol.CoreHarness.A;
import static dev.pledge.coordinator.protocol.CoreHarness.B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.AbortReason;
import dev.pledge.core.Limits;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.core.Vote;
import org.junit.jupiter.api.Test;

/** What a peer sends never grows a record or a log line past its named limit. */
class BoundedInputTest {
    private final CoreHarness h = new CoreHarness();

    @Test
    void aNoVoteWithAMegabyteReasonIsClippedAndTheCoordinatorKeepsDeciding() {
        TxId tx = h.beginWith(A, B);
        h.commit(tx);
        String reason = "course full ".repeat(90_000);
        Outputs o = h.step(new Event.VoteReceived(h.nowMs, tx, A, Vote.NO, AbortReason.VALIDATION_FAILED, reason));

        Record.Abort abort = (Record.Abort) o.records().get(0);
        assertThat(abort.message()).startsWith("participant " + A + " voted NO: course full")
                .hasSizeLessThanOrEqualTo(Limits.REASON_CHARS_MAX);
        assertThat(o.transitions()).allMatch(line -> line.length() < Limits.REASON_CHARS_MAX + 200);
        assertThat(CoreHarness.outcome(o).message()).isEqualTo(abort.message());

        TxId next = h.beginWith(A, B);
        h.commit(next);
        h.vote(next, A, Vote.YES);
        assertThat(CoreHarness.outcome(h.vote(next, B, Vote.YES)).state()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void clippingKeepsWholeCharactersAndSaysHowMuchWasCut() {
        assertThat(Limits.clip("abc", 5)).isEqualTo("abc");
        assertThat(Limits.clip(null, 5)).isNull();
        String clipped = Limits.clip("abcdefghij".repeat(10), 40);
        assertThat(clipped).isEqualTo("abcdefghijabcdef... (84 more characters)").hasSize(40);
        assertThat(Limits.clip(clipped, 40)).as("clipping twice changes nothing").isEqualTo(clipped);
        String smiles = "\uD83D\uDE00".repeat(30); // 30 characters of two chars each
        assertThat(Limits.clip(smiles, 30)).isEqualTo("\uD83D\uDE00".repeat(3) + "... (54 more characters)");
        assertThat(Limits.clip(smiles, 31)).as("never half a character").isEqualTo("\uD83D\uDE00".repeat(3) + "... (54 more characters)");
    }
}
