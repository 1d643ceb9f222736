package dev.pledge.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.core.Limits;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.testkit.ManualTime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the resource decides on its own, before or without a call: nothing listens at its
 * endpoint, so any answer here came from the resource (the real-participant suite is in chaos-tests).
 */
class PledgeXAResourceLocalTest {
    private final ManualTime time = new ManualTime(1_000_000);
    private final PledgeXAResource resource = new PledgeXAResource("p1", new Endpoint("127.0.0.1", 1),
            RpcClientConfig.defaults().withMaxAttempts(1), Duration.ofMillis(500), time);

    @AfterEach
    void close() {
        resource.close();
    }

    private static Xid xid(int n) {
        return XaIds.toXid(XaIds.toTxId(new XaIds.BranchXid(1, new byte[] {(byte) n}, new byte[] {1})));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static int errorCode(ThrowingCall call) {
        try {
            call.run();
        } catch (XAException e) {
            return e.errorCode;
        }
        throw new AssertionError("no XAException");
    }

    @Test
    void branchWithoutWritesIsReadOnlyAndSendsNothing() throws Exception {
        resource.start(xid(1), XAResource.TMNOFLAGS);
        resource.end(xid(1), XAResource.TMSUCCESS);

        assertThat(resource.prepare(xid(1))).isEqualTo(XAResource.XA_RDONLY);
    }

    @Test
    void onePhaseCommitWithoutWritesSendsNothing() throws Exception {
        resource.start(xid(1), XAResource.TMNOFLAGS);
        resource.end(xid(1), XAResource.TMSUCCESS);

        resource.commit(xid(1), true);
    }

    @Test
    void rollbackBeforePrepareSendsNothing() throws Exception {
        resource.start(xid(1), XAResource.TMNOFLAGS);
        resource.put(bytes("k"), bytes("v"));
        resource.end(xid(1), XAResource.TMSUCCESS);

        resource.rollback(xid(1));

        assertThat(errorCode(() -> resource.prepare(xid(1)))).isEqualTo(XAException.XAER_NOTA);
    }

    @Test
    void unreachableParticipantIsRmfail() throws Exception {
        resource.start(xid(1), XAResource.TMNOFLAGS);
        resource.put(bytes("k"), bytes("v"));
        resource.end(xid(1), XAResource.TMSUCCESS);

        assertThat(errorCode(() -> resource.prepare(xid(1)))).isEqualTo(XAException.XAER_RMFAIL);
        assertThat(errorCode(() -> resource.recover(XAResource.TMSTARTRSCAN))).isEqualTo(XAException.XAER_RMFAIL);
    }

    @Test
    void branchEndedWithTmfailRollsBackAtPrepare() throws Exception {
        resource.start(xid(1), XAResource.TMNOFLAGS);
        resource.put(bytes("k"), bytes("v"));
        resource.end(xid(1), XAResource.TMFAIL);

        assertThat(errorCode(() -> resource.prepare(xid(1)))).isEqualTo(XAException.XA_RBROLLBACK);
    }

    @Test
    void writesGoToTheBranchOfTheCallingThreadOnly() throws Exception {
        assertThatThrownBy(() -> resource.put(bytes("k"), bytes("v")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("between start and end");
        resource.start(xid(1), XAResource.TMNOFLAGS);
        resource.end(xid(1), XAResource.TMSUCCESS);

        assertThatThrownBy(() -> resource.put(bytes("k"), bytes("v"))).isInstanceOf(IllegalStateException.class);
        resource.put(xid(1), bytes("k"), bytes("v"));
    }

    @Test
    void associationFollowsTheXaStateTable() throws Exception {
        resource.start(xid(1), XAResource.TMNOFLAGS);
        assertThat(errorCode(() -> resource.start(xid(2), XAResource.TMNOFLAGS))).isEqualTo(XAException.XAER_PROTO);
        assertThat(errorCode(() -> resource.prepare(xid(1)))).isEqualTo(XAException.XAER_PROTO);
        resource.end(xid(1), XAResource.TMSUSPEND);
        assertThat(errorCode(() -> resource.start(xid(1), XAResource.TMNOFLAGS))).isEqualTo(XAException.XAER_DUPID);
        resource.start(xid(1), XAResource.TMRESUME);
        resource.end(xid(1), XAResource.TMSUCCESS);
        resource.start(xid(1), XAResource.TMJOIN);
        resource.end(xid(1), XAResource.TMSUCCESS);

        assertThat(errorCode(() -> resource.start(xid(1), XAResource.TMRESUME))).isEqualTo(XAException.XAER_PROTO);
        assertThat(errorCode(() -> resource.start(xid(3), XAResource.TMJOIN))).isEqualTo(XAException.XAER_NOTA);
        assertThat(errorCode(() -> resource.end(xid(3), XAResource.TMSUCCESS))).isEqualTo(XAException.XAER_NOTA);
        assertThat(errorCode(() -> resource.start(xid(3), XAResource.TMENDRSCAN))).isEqualTo(XAException.XAER_INVAL);
        assertThat(errorCode(() -> resource.commit(xid(1), false))).isEqualTo(XAException.XAER_PROTO);
    }

    @Test
    void recoveryScanMustBeStartedBeforeItIsContinued() {
        assertThat(errorCode(() -> resource.recover(XAResource.TMNOFLAGS))).isEqualTo(XAException.XAER_INVAL);
        assertThat(errorCode(() -> resource.recover(XAResource.TMENDRSCAN))).isEqualTo(XAException.XAER_INVAL);
        assertThat(errorCode(() -> resource.recover(XAResource.TMJOIN))).isEqualTo(XAException.XAER_INVAL);
    }

    @Test
    void branchOlderThanItsTransactionTimeoutRollsBackAtPrepare() throws Exception {
        assertThat(resource.setTransactionTimeout(1)).isTrue();
        assertThat(resource.getTransactionTimeout()).isEqualTo(1);
        assertThat(errorCode(() -> resource.setTransactionTimeout(-1))).isEqualTo(XAException.XAER_INVAL);
        resource.start(xid(1), XAResource.TMNOFLAGS);
        resource.put(bytes("k"), bytes("v"));
        resource.end(xid(1), XAResource.TMSUCCESS);

        time.advanceMs(1001);

        assertThat(errorCode(() -> resource.prepare(xid(1)))).isEqualTo(XAException.XA_RBTIMEOUT);
    }

    @Test
    void sameResourceManagerMeansSameEndpoint() {
        try (PledgeXAResource same = new PledgeXAResource("p1-alias", new Endpoint("127.0.0.1", 1));
             PledgeXAResource other = new PledgeXAResource("p2", new Endpoint("127.0.0.1", 2))) {
            assertThat(resource.isSameRM(same)).isTrue();
            assertThat(resource.isSameRM(other)).isFalse();
        }
    }

    @Test
    void anOversizedKeyOrValueIsRefusedAtTheWriteNamingItsLimit() throws Exception {
        resource.start(xid(1), XAResource.TMNOFLAGS);

        assertThatThrownBy(() -> resource.put(new byte[Limits.KEY_BYTES_MAX + 1], bytes("v")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Limits.KEY_BYTES_MAX");
        assertThatThrownBy(() -> resource.put(bytes("k"), new byte[Limits.VALUE_BYTES_MAX + 1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Limits.VALUE_BYTES_MAX");
        resource.put(bytes("k"), bytes("v"));
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws XAException;
    }
}
