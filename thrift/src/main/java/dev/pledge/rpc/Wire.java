package dev.pledge.rpc;

import dev.pledge.core.AbortReason;
import dev.pledge.core.BranchState;
import dev.pledge.core.Limits;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.core.Vote;
import dev.pledge.wire.DeadlineExceeded;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.Unavailable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.thrift.TException;

/**
 * Converters between the pure domain types ({@code dev.pledge.core}) and the generated wire types
 * ({@code dev.pledge.wire}), so Thrift stays at the edge. Every converter rejects null, and an
 * unknown wire value (which Thrift decodes as null), with IllegalArgumentException.
 * Enums map by name: both sides are kept with identical constants, and WireTest checks every one.
 * Also the checks every handler makes on a request as it arrives, each failing with the exception
 * the IDL declares for it: a handler that lets anything else escape answers INTERNAL_ERROR.
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
        return new TxId(sharedCoordinatorId(txId.getCoordinatorId()), txId.getEpoch(), txId.getSequence());
    }

    /**
     * Most coordinator ids kept shared ({@link #sharedCoordinatorId}): a few coordinators name every
     * transaction, and an external manager's ids are one per transaction, so they are never kept.
     */
    public static final int SHARED_COORDINATOR_IDS_MAX = 1024;
    private static final ConcurrentHashMap<String, String> SHARED_COORDINATOR_IDS = new ConcurrentHashMap<>();

    /**
     * One String per coordinator id instead of one per decoded message. A participant keeps a TxId
     * for every outcome it remembers (minutes of transactions), and a copy of the id each was 40% of
     * that; past {@link #SHARED_COORDINATOR_IDS_MAX} distinct ids, later ones are simply not shared.
     */
    static String sharedCoordinatorId(String id) {
        if (id.startsWith(TxId.EXTERNAL_PREFIX)) return id;
        String shared = SHARED_COORDINATOR_IDS.get(id);
        if (shared != null) return shared;
        if (SHARED_COORDINATOR_IDS.size() >= SHARED_COORDINATOR_IDS_MAX) return id;
        Limits.checkId("coordinatorId", id); // nothing a TxId would refuse takes a place
        shared = SHARED_COORDINATOR_IDS.putIfAbsent(id, id);
        return shared == null ? id : shared;
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
        return invalidIf(null, check);
    }

    /** As {@link #invalidIf(Supplier)}, the message prefixed with the field it is about (unless null). */
    public static <T> T invalidIf(String field, Supplier<T> check) throws InvalidArgument {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            String message = field == null ? e.getMessage() : field + ": " + e.getMessage();
            throw new InvalidArgument(Limits.clip(message, Limits.REASON_CHARS_MAX));
        }
    }

    /** {@code value}; InvalidArgument "{field} is required" if it is null (Thrift leaves a missing struct null). */
    public static <T> T required(String field, T value) throws InvalidArgument {
        if (value == null) throw new InvalidArgument(field + " is required");
        return value;
    }

    /**
     * The TxId a request carries in {@code field}; InvalidArgument naming the field if it is missing
     * or malformed (an empty or oversized coordinator id, an epoch or sequence below 1).
     */
    public static TxId txIdOf(String field, dev.pledge.wire.TxId wire) throws InvalidArgument {
        required(field, wire);
        return invalidIf(field, () -> fromWire(wire));
    }

    /** {@code value} if it is at least {@code min}; else InvalidArgument "{field} must be >= {min}, was {value}". */
    public static long atLeast(String field, long value, long min) throws InvalidArgument {
        if (value < min) throw new InvalidArgument(field + " must be >= " + min + ", was " + value);
        return value;
    }

    /**
     * The value of an answer a handler started without blocking (its {@code ...Later} method), for
     * the blocking Thrift method beside it: its Unavailable or {@code declared} exception as
     * itself, a bug (a RuntimeException) as itself, anything else as Unavailable.
     */
    public static <T, X extends TException> T await(CompletableFuture<T> answer, Class<X> declared)
            throws X, Unavailable {
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting for the answer");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Unavailable u) throw u;
            if (declared.isInstance(cause)) throw declared.cast(cause);
            if (cause instanceof RuntimeException bug) throw bug;
            throw new Unavailable("the answer failed: " + cause);
        }
    }

    /**
     * A request's {@code deadlineMs}, if time is left; DeadlineExceeded if it had passed when the
     * request arrived. Unlike Unavailable this is never retried: the same request cannot succeed.
     */
    public static long timeLeftMs(long deadlineMs) throws DeadlineExceeded {
        if (deadlineMs <= 0) {
            throw new DeadlineExceeded("the request's deadline had passed when it arrived (deadlineMs " + deadlineMs + ")");
        }
        return deadlineMs;
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
