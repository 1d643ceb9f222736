package dev.pledge.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.core.AbortReason;
import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.core.Vote;
import org.junit.jupiter.api.Test;

class WireTest {

    @Test
    void txIdRoundTrips() {
        TxId id = new TxId("coord-1", 7, 42);
        dev.pledge.wire.TxId wire = Wire.toWire(id);
        assertThat(wire).isEqualTo(new dev.pledge.wire.TxId("coord-1", 7, 42));
        assertThat(Wire.fromWire(wire)).isEqualTo(id);
    }

    @Test
    void decodedTxIdsOfOneCoordinatorShareItsIdButExternalOnesDoNot() {
        TxId a = Wire.fromWire(new dev.pledge.wire.TxId(new String("coord-shared"), 1, 1));
        TxId b = Wire.fromWire(new dev.pledge.wire.TxId(new String("coord-shared"), 1, 2));
        assertThat(b.coordinatorId()).isSameAs(a.coordinatorId());

        String externalId = TxId.EXTERNAL_PREFIX + "1:ab:cd";
        TxId x = Wire.fromWire(new dev.pledge.wire.TxId(new String(externalId), 1, 1));
        TxId y = Wire.fromWire(new dev.pledge.wire.TxId(new String(externalId), 1, 1));
        assertThat(y.coordinatorId()).isNotSameAs(x.coordinatorId()).isEqualTo(x.coordinatorId());
    }

    @Test
    void incompleteOrInvalidWireTxIdIsRejected() {
        assertThatThrownBy(() -> Wire.fromWire(new dev.pledge.wire.TxId().setCoordinatorId("c").setEpoch(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("incomplete");
        assertThatThrownBy(() -> Wire.fromWire(new dev.pledge.wire.TxId("c", 0, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyEnumConstantMapsBothWaysAndTheSetsMatch() {
        for (TxState v : TxState.values()) assertThat(Wire.fromWire(Wire.toWire(v))).isEqualTo(v);
        for (Vote v : Vote.values()) assertThat(Wire.fromWire(Wire.toWire(v))).isEqualTo(v);
        for (AbortReason v : AbortReason.values()) assertThat(Wire.fromWire(Wire.toWire(v))).isEqualTo(v);
        for (BranchState v : BranchState.values()) assertThat(Wire.fromWire(Wire.toWire(v))).isEqualTo(v);
        assertThat(dev.pledge.wire.TxState.values()).hasSameSizeAs(TxState.values());
        assertThat(dev.pledge.wire.Vote.values()).hasSameSizeAs(Vote.values());
        assertThat(dev.pledge.wire.AbortReason.values()).hasSameSizeAs(AbortReason.values());
        assertThat(dev.pledge.wire.BranchState.values()).hasSameSizeAs(BranchState.values());
    }

    @Test
    void nullOrUnknownValuesAreRejected() {
        // Thrift decodes an enum number it does not know as null.
        assertThat(dev.pledge.wire.TxState.findByValue(99)).isNull();
        assertThatThrownBy(() -> Wire.fromWire((dev.pledge.wire.TxState) null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Wire.toWire((TxState) null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Wire.fromWire((dev.pledge.wire.Vote) null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Wire.fromWire((dev.pledge.wire.AbortReason) null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Wire.fromWire((dev.pledge.wire.BranchState) null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Wire.fromWire((dev.pledge.wire.TxId) null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Wire.toWire((TxId) null)).isInstanceOf(IllegalArgumentException.class);
    }
}
