package dev.pledge.participant.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.TxId;
import org.junit.jupiter.api.Test;

/**
 * I7 for operations retried while their first run is still going (finding F1 of the simulation):
 * the retry is told to come back, never run a second time, and then gets the first run's result.
 */
class RetriedOperationTest {
    private final CoreHarness h = new CoreHarness();
    private final TxId t1 = CoreHarness.tx(1);

    private Reply begin(TxId tx, long opSeq) {
        long token = h.token();
        h.step(new Event.BeginOp(h.nowMs, token, tx, opSeq));
        return h.onlyReply(token);
    }

    @Test
    void aRetryRacingTheFirstRunOfAnExistingBranchIsToldToRetryNotRunAgain() {
        h.put(t1, "k", "v");
        assertThat(begin(t1, 2)).isInstanceOf(Reply.Proceed.class);

        Reply racing = begin(t1, 2);
        assertThat(racing).isInstanceOfSatisfying(Reply.Failed.class,
                f -> assertThat(f.kind()).isEqualTo(Reply.ErrorKind.UNAVAILABLE));

        h.step(new Event.EndOp(h.nowMs, t1, 2, "first answer"));
        assertThat(begin(t1, 2)).isEqualTo(new Reply.Cached(h.nextToken - 1, "first answer"));
    }

    @Test
    void aRetryRacingAFirstRunThatHasNotTouchedDataYetIsAlsoHeldOff() {
        assertThat(begin(t1, 1)).isInstanceOf(Reply.Proceed.class);
        assertThat(begin(t1, 1)).isInstanceOf(Reply.Failed.class);

        // The first run's first access gives birth to the branch; the op is still running there.
        Event.Access first = h.write(t1, "k", "v");
        assertThat(h.enlistWith(t1, first)).isInstanceOf(Reply.Granted.class);
        assertThat(begin(t1, 1)).isInstanceOf(Reply.Failed.class);

        h.step(new Event.EndOp(h.nowMs, t1, 1, "done"));
        assertThat(begin(t1, 1)).isInstanceOf(Reply.Cached.class);
    }

    @Test
    void aFirstRunThatFailedMayBeRunAgainByItsRetry() {
        h.put(t1, "k", "v");
        assertThat(begin(t1, 2)).isInstanceOf(Reply.Proceed.class);
        h.step(new Event.OpFailed(h.nowMs, t1, 2));
        assertThat(begin(t1, 2)).isInstanceOf(Reply.Proceed.class);
    }

    @Test
    void anOperationThatEndsWithoutTouchingDataLeavesNothingBehind() {
        assertThat(begin(t1, 1)).isInstanceOf(Reply.Proceed.class);
        h.step(new Event.EndOp(h.nowMs, t1, 1, null));
        assertThat(h.core.ledger.unbornCount()).isZero();
        assertThat(begin(t1, 1)).isInstanceOf(Reply.Proceed.class);
    }
}
