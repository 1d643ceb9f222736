package dev.pledge.coordinator.protocol;

import static dev.pledge.coordinator.protocol.CoreHarness.A;
import static dev.pledge.coordinator.protocol.CoreHarness.B;
import static dev.pledge.coordinator.protocol.CoreHarness.C;
import static dev.pledge.coordinator.protocol.CoreHarness.NODE;
import static dev.pledge.coordinator.protocol.CoreHarness.onlyReply;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.AbortReason;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A transaction with nothing left to do moves to a compact archive; it must answer every request
 * as it did while live, survive a restart the same way, and leave early (by count) only once its
 * client can no longer be waiting for it.
 */
class ConcludedTransactionsTest {

    @Test
    void aConcludedCommitAnswersAsALiveOneDidBeforeAndAfterARestart() {
        CoreHarness h = new CoreHarness();
        TxId tx = h.committedAndEnded();
        for (int life = 0; life < 2; life++) {
            assertThat(h.status(tx)).isInstanceOfSatisfying(Reply.StatusReply.class,
                    s -> assertThat(s.state()).isEqualTo(TxState.COMMITTED));
            assertThat(CoreHarness.outcome(h.commit(tx)).state()).isEqualTo(TxState.COMMITTED);
            assertThat(onlyReply(h.abort(tx))).isInstanceOfSatisfying(Reply.ErrorReply.class, e -> {
                assertThat(e.kind()).isEqualTo(Reply.ErrorKind.NOT_ALLOWED);
                assertThat(e.state()).isEqualTo(TxState.COMMITTED);
            });
            assertThat(onlyReply(h.enlist(tx, C, 1))).isInstanceOfSatisfying(Reply.ErrorReply.class,
                    e -> assertThat(e.kind()).isEqualTo(Reply.ErrorKind.NOT_ALLOWED));
            assertThat(h.core.decisionOf(tx)).contains(TxState.COMMITTED);
            assertThat(h.core.stateOf(tx)).contains(CoordinatorTxState.ENDED);
            h.restart();
        }
    }

    @Test
    void anAbortEveryParticipantHeardIsArchivedWithItsReasonAndTheClientsOwnAbort() {
        CoreHarness h = new CoreHarness();
        TxId tx = h.beginWith(A);
        assertThat(h.abort(tx).messages()).containsExactly(new Message.Abort(tx, A));
        h.ack(tx, A);
        assertThat(h.core.pendingDelivery()).isEmpty();

        assertThat(onlyReply(h.commit(tx))).isInstanceOfSatisfying(Reply.ErrorReply.class, e -> {
            assertThat(e.kind()).isEqualTo(Reply.ErrorKind.NOT_ALLOWED);
            assertThat(e.message()).contains("client's own abort");
        });
        assertThat(h.status(tx)).isInstanceOfSatisfying(Reply.StatusReply.class, s -> {
            assertThat(s.state()).isEqualTo(TxState.ABORTED);
            assertThat(s.reason()).isEqualTo(AbortReason.CLIENT_REQUESTED);
        });
    }

    @Test
    void overItsCapTheArchiveForgetsTheOldestButOnlyOnceTheirClientsAreDone() {
        long graceMs = 1_000;
        CoreHarness h = new CoreHarness(CoreConfig.of(NODE, Set.of(A, B, C)).withArchive(2, graceMs));
        List<TxId> txs = new ArrayList<>();
        for (int i = 0; i < 5; i++) txs.add(h.committedAndEnded());

        h.fire(new Timer.Sweep()); // every deadline (30 s default) is still ahead: a client may be retrying
        for (TxId tx : txs) assertThat(h.core.decisionOf(tx)).contains(TxState.COMMITTED);
        assertThat(h.core.transactionCount()).isEqualTo(5);

        h.nowMs += h.config.txTimeoutDefaultMs() + graceMs;
        h.fire(new Timer.Sweep());
        assertThat(h.core.transactionCount()).isEqualTo(2);
        for (TxId tx : txs.subList(0, 3)) {
            assertThat(h.status(tx)).isInstanceOfSatisfying(Reply.StatusReply.class,
                    s -> assertThat(s.state()).isEqualTo(TxState.FORGOTTEN)); // never ABORTED
        }
        for (TxId tx : txs.subList(3, 5)) assertThat(h.core.decisionOf(tx)).contains(TxState.COMMITTED);
    }

    @Test
    void withinTheCapRetentionAloneForgets() {
        CoreHarness h = new CoreHarness(CoreConfig.of(NODE, Set.of(A, B, C)).withRetentionMs(5_000));
        TxId tx = h.committedAndEnded();
        h.nowMs += h.config.txTimeoutDefaultMs() + CoreConfig.ANSWER_GRACE_MS_DEFAULT;
        h.fire(new Timer.Sweep());
        assertThat(h.status(tx)).isInstanceOfSatisfying(Reply.StatusReply.class,
                s -> assertThat(s.state()).isEqualTo(TxState.FORGOTTEN));
        assertThat(h.core.transactionCount()).isZero();
    }
}
