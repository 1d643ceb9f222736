package dev.pledge.rpc;

import dev.pledge.core.AbortReason;
import dev.pledge.core.BranchState;
import dev.pledge.core.Limits;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.core.Vote;
import dev.pledge.wire.InvalidArgument;
import java.util.function.Supplier;

/**
 * Converters between the pure domain types ({@code dev.pledge.core}) and the generated wire types
 * ({@code dev.pledge.wire}), so Thrift stays at the edge. Every converter rejects null, and an
 * unknown wire value (which Thrift decodes as null), with IllegalArgumentException.
 * Enums map by name: both sides are kept with identical constants, and WireTest checks every one.
 */
public final class Wire {
    private Wire() {}

    public static dev.pledge.wire.TxId toWire(TxId txId) {
        require(txId, "TxId");
        return new dev.pledge.wire.TxId(txId.coordinatorId(), txId.epoch(), txId.sequence());
    }

    public static TxId fromWire(dev.pledge.wire.TxId txId) {
        require(txId, "TxId");
        if (!txId.isSetCoordinatorId() || !txId.isSetEpoch() || !txId.isSetSequence()) {
            throw new IllegalArgumentException("incomplete TxId on the wire (coordinatorId, epoch and sequence are required)");
        }
        return new TxId(txId.getCoordinatorId(), txId.getEpoch(), txId.getSequence());
    }

    public static dev.pledge.wire.TxState toWire(TxState v) {
        return byName(v, dev.pledge.wire.TxState.class);
    }

    public static TxState fromWire(dev.pledge.wire.TxState v) {
        return byName(v, TxState.class);
    }

    public static dev.pledge.wire.Vote toWire(Vote v) {
        return byName(v, dev.pledge.wire.Vote.class);
    }

    public static Vote fromWire(dev.pledge.wire.Vote v) {
        return byName(v, Vote.class);
    }

    public static dev.pledge.wire.AbortReason toWire(AbortReason v) {
        return byName(v, dev.pledge.wire.AbortReason.class);
    }

    public static AbortReason fromWire(dev.pledge.wire.AbortReason v) {
        return byName(v, AbortReason.class);
    }

    public static dev.pledge.wire.BranchState toWire(BranchState v) {
        return byName(v, dev.pledge.wire.BranchState.class);
    }

    public static BranchState fromWire(dev.pledge.wire.BranchState v) {
        return byName(v, BranchState.class);
    }

    /**
     * {@code check}'s result; its IllegalArgumentException (bad or oversized input, see
     * {@link Limits}) as the declared InvalidArgument, its message clipped.
     */
    public static <T> T invalidIf(Supplier<T> check) throws InvalidArgument {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidArgument(Limits.clip(e.getMessage(), Limits.REASON_CHARS_MAX));
        }
    }

    /** Enums map by name; an unknown wire value arrives as null, so null and unknown fail alike. */
    private static <A extends Enum<A>, B extends Enum<B>> B byName(A value, Class<B> to) {
        return Enum.valueOf(to, require(value, to.getSimpleName()).name());
    }

    private static <T> T require(T value, String type) {
        if (value == null) throw new IllegalArgumentException(type + " is null or an unknown wire value");
        return value;
    }
}
