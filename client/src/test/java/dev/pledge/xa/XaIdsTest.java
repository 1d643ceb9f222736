package dev.pledge.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.core.TxId;
import java.util.Arrays;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;

class XaIdsTest {

    /** An Xid as another transaction manager would make it: no equals, arbitrary bytes. */
    private static Xid xid(int formatId, byte[] gtrid, byte[] bqual) {
        return new Xid() {
            public int getFormatId() { return formatId; }
            public byte[] getGlobalTransactionId() { return gtrid; }
            public byte[] getBranchQualifier() { return bqual; }
        };
    }

    @Test
    void xidIsSpelledIntoAnExternalCoordinatorIdWithEpochAndSequenceOne() {
        TxId txId = XaIds.toTxId(xid(131077, new byte[] {0x0a, (byte) 0xff}, new byte[] {0x01}));

        assertThat(txId).isEqualTo(new TxId("xa:131077:0aff:01", 1, 1));
        assertThat(txId.isExternal()).isTrue();
    }

    @Test
    void txIdMapsBackToTheSameXid() {
        byte[] gtrid = new byte[Xid.MAXGTRIDSIZE];
        byte[] bqual = new byte[Xid.MAXBQUALSIZE];
        Arrays.fill(gtrid, (byte) 0x80);
        Arrays.fill(bqual, (byte) 0x7f);

        Xid back = XaIds.toXid(XaIds.toTxId(xid(0, gtrid, bqual)));

        assertThat(back.getFormatId()).isZero();
        assertThat(back.getGlobalTransactionId()).isEqualTo(gtrid);
        assertThat(back.getBranchQualifier()).isEqualTo(bqual);
        assertThat(back).isEqualTo(XaIds.toXid(XaIds.toTxId(xid(0, gtrid, bqual))));
    }

    @Test
    void emptyBranchQualifierRoundTrips() {
        TxId txId = XaIds.toTxId(xid(7, new byte[] {1}, new byte[0]));

        assertThat(txId.coordinatorId()).isEqualTo("xa:7:01:");
        assertThat(XaIds.toXid(txId).getBranchQualifier()).isEmpty();
    }

    @Test
    void recoveredXidDoesNotShareItsBytes() {
        Xid back = XaIds.toXid(new TxId("xa:1:aa:bb", 1, 1));
        back.getGlobalTransactionId()[0] = 0;

        assertThat(back.getGlobalTransactionId()).containsExactly(0xaa);
    }

    @Test
    void malformedXidsAreRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> XaIds.toTxId(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
        assertThatThrownBy(() -> XaIds.toTxId(xid(-1, new byte[] {1}, new byte[] {1})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null Xid");
        assertThatThrownBy(() -> XaIds.toTxId(xid(-5, new byte[] {1}, new byte[] {1})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format id");
        assertThatThrownBy(() -> XaIds.toTxId(xid(1, null, new byte[] {1})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("global transaction id is null");
        assertThatThrownBy(() -> XaIds.toTxId(xid(1, new byte[0], new byte[] {1})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..64 bytes, was 0");
        assertThatThrownBy(() -> XaIds.toTxId(xid(1, new byte[65], new byte[] {1})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 65");
        assertThatThrownBy(() -> XaIds.toTxId(xid(1, new byte[] {1}, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("branch qualifier is null");
        assertThatThrownBy(() -> XaIds.toTxId(xid(1, new byte[] {1}, new byte[65])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 64 bytes, was 65");
    }

    @Test
    void txIdsThatNoXidMadeAreRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> XaIds.toXid(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> XaIds.toXid(new TxId("coord-1", 1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lacks 'xa:'");
        assertThatThrownBy(() -> XaIds.toXid(new TxId("xa:1:aa:bb", 2, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epoch and sequence must be 1");
        assertThatThrownBy(() -> XaIds.toXid(new TxId("xa:1:aa", 1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("want xa:formatId:gtridHex:bqualHex");
        assertThatThrownBy(() -> XaIds.toXid(new TxId("xa:x:aa:bb", 1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("xa:x:aa:bb");
        assertThatThrownBy(() -> XaIds.toXid(new TxId("xa:1:aaa:bb", 1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an XA branch");
        assertThatThrownBy(() -> XaIds.toXid(new TxId("xa:1::bb", 1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("global transaction id");
        assertThatThrownBy(() -> XaIds.toXid(new TxId("xa:1:AA:bb", 1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("canonical");
        assertThatThrownBy(() -> XaIds.toXid(new TxId("xa:+1:aa:bb", 1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("canonical");
    }

    @Test
    void resourceRefusesMalformedXidsWithXaerInvalBeforeAnyCall() {
        // Nothing listens on port 1: a refusal must come from the Xid check, not the network.
        try (PledgeXAResource resource = new PledgeXAResource("p1", new dev.pledge.rpc.Endpoint("127.0.0.1", 1))) {
            Xid bad = xid(1, new byte[0], new byte[] {1});
            for (ThrowingXaCall call : new ThrowingXaCall[] {
                    () -> resource.start(bad, XAResource.TMNOFLAGS), () -> resource.end(bad, XAResource.TMSUCCESS),
                    () -> resource.prepare(bad), () -> resource.commit(bad, false), () -> resource.commit(bad, true),
                    () -> resource.rollback(bad), () -> resource.forget(bad), () -> resource.prepare(null)}) {
                assertThatThrownBy(call::run).isInstanceOfSatisfying(XAException.class,
                        e -> assertThat(e.errorCode).isEqualTo(XAException.XAER_INVAL))
                        .hasMessageContaining("malformed Xid");
            }
        }
    }

    @FunctionalInterface
    private interface ThrowingXaCall {
        void run() throws XAException;
    }
}
