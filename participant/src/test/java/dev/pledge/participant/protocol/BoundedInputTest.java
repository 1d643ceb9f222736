package dev.pledge.participant.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.Limits;
import dev.pledge.core.TxId;
import dev.pledge.core.Vote;
import org.junit.jupiter.api.Test;

/** What operations send a branch never grows its PREPARED record past a named limit. */
class BoundedInputTest {
    private final CoreHarness h = new CoreHarness();
    private final TxId t1 = CoreHarness.tx(1);

    @Test
    void aBranchWritesAtMostWritesPerBranchMaxKeysAndStillPrepares() {
        for (int i = 0; i < Limits.WRITES_PER_BRANCH_MAX; i++) {
            assertThat(h.put(t1, "k" + i, "v")).isInstanceOf(Reply.Granted.class);
        }

        Reply refused = h.put(t1, "one-too-many", "v");

        assertThat(refused).isInstanceOfSatisfying(Reply.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo(Reply.ErrorKind.INVALID);
            assertThat(f.message()).contains("Limits.WRITES_PER_BRANCH_MAX");
        });
        assertThat(h.put(t1, "k0", "again")).as("a key already written may be written again").isInstanceOf(Reply.Granted.class);
        assertThat(((Reply.Voted) h.prepare(t1)).vote()).isEqualTo(Vote.YES);
    }
}
