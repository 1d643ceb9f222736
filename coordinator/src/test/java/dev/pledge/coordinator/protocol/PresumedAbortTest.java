package dev.pledge.coordinator.protocol;

import static dev.pledge.coordinator.protocol.CoreHarness.A;
import static dev.pledge.coordinator.protocol.CoreHarness.B;
import static dev.pledge.coordinator.protocol.CoreHarness.NODE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.AbortReason;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PresumedAbortTest {
    private static final long RETENTION_MS = 10_000;
    private final CoreHarness h = new CoreHarness(CoreConfig.of(NODE, Set.of(A, B)).withRetentionMs(RETENTION_MS));

    private Reply.StatusReply status(TxId tx) {
        return (Reply.StatusReply) h.status(tx);
    }

    @Test
    void aTransactionWithNoRecordFromBeforeARestartIsUnknownNeverPresumedAborted() {
        // Its COMMIT is an unsynced hint that a crash may have taken: its participants' votes decide.
        TxId tx = h.beginWith(A, B);
        h.restart();
        Reply.StatusReply s = status(tx);
        assertThat(s.state()).isEqualTo(TxState.FORGOTTEN);
        assertThat(s.message()).contains("participants resolve it");
    }

    @Test
    void anUnknownIdOfAnEarlierEpochIsUnknown() {
        h.restart();
        assertThat(status(new TxId(NODE, 1, 99)).state()).isEqualTo(TxState.FORGOTTEN);
    }

    @Test
    void anUnknownIdOfThisLifeIsPresumedAborted() {
        TxId tx = h.beginWith(A, B);
        h.abort(tx);
        h.nowMs += 10 * RETENTION_MS;
        h.fire(new Timer.Sweep());
        Reply.StatusReply s = status(tx);
        assertThat(s.state()).isEqualTo(TxState.ABORTED);
        assertThat(s.reason()).isEqualTo(AbortReason.PRESUMED_ABORT);
    }

    @Test
    void anIdNeverIssuedIsAnUnknownTransaction() {
        h.begin();
        for (TxId never : new TxId[] {new TxId(NODE, 1, 2), new TxId(NODE, 2, 1), new TxId("coord-2", 1, 1)}) {
            Reply.Value v = h.status(never);
            assertThat(v).as(never.toString()).isInstanceOfSatisfying(Reply.ErrorReply.class,
                    e -> assertThat(e.kind()).isEqualTo(Reply.ErrorKind.UNKNOWN_TX));
        }
    }

    @Test
    void aCommittedRecordPastRetentionIsForgottenNeverAborted() {
        TxId tx = h.committedAndEnded();
        h.nowMs += RETENTION_MS - 1;
        assertThat(h.fire(new Timer.Sweep()).records()).as("not yet").isEmpty();
        h.nowMs += 1;
        Outputs swept = h.fire(new Timer.Sweep());
        assertThat(swept.records()).containsExactly(new Record.Forget(tx, tx));
        assertThat(swept.mustSync()).isFalse();
        assertThat(status(tx).state()).isEqualTo(TxState.FORGOTTEN);
        assertThat(h.core.watermark()).contains(tx);
        h.restart();
        assertThat(status(tx).state()).as("after a restart too").isEqualTo(TxState.FORGOTTEN);
    }

    @Test
    void anAbortedIdBelowTheWatermarkIsForgottenRatherThanAbortedBecauseItCannotBeProven() {
        TxId aborted = h.beginWith(A);
        h.abort(aborted);
        h.committedAndEnded();
        h.nowMs += RETENTION_MS;
        h.fire(new Timer.Sweep());
        assertThat(status(aborted).state()).isEqualTo(TxState.FORGOTTEN);
    }

    @Test
    void forgettingAnAbortDoesNotRaiseTheWatermark() {
        TxId tx = h.beginWith(A);
        h.abort(tx);
        h.nowMs += RETENTION_MS;
        assertThat(h.fire(new Timer.Sweep()).records()).containsExactly(new Record.Forget(tx, null));
        assertThat(h.core.watermark()).isEmpty();
        Reply.StatusReply s = status(tx);
        assertThat(s.state()).isEqualTo(TxState.ABORTED);
        assertThat(s.reason()).isEqualTo(AbortReason.PRESUMED_ABORT);
    }

    @Test
    void aCommitThatHasNotEndedIsNeverForgotten() {
        TxId tx = h.beginWith(A, B);
        h.commit(tx);
        h.vote(tx, A, dev.pledge.core.Vote.YES);
        h.vote(tx, B, dev.pledge.core.Vote.YES);
        h.nowMs += 10 * RETENTION_MS;
        assertThat(h.fire(new Timer.Sweep()).records()).isEmpty();
        assertThat(status(tx).state()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void theSweepReArmsItself() {
        assertThat(h.fire(new Timer.Sweep()).timers()).extracting(Timer.Request::timer).containsExactly(new Timer.Sweep());
    }
}
