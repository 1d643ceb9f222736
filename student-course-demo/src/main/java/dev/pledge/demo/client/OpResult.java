package dev.pledge.demo.client;

import dev.pledge.core.TxId;

import java.util.List;

/** What a user sees of one enrollment operation, and where its time went. */
public record OpResult(Kind kind, String reason, TxId txId, long latencyUs, int attempts, Split split) {
    public enum Kind {
        /** Committed at every participant it touched. */
        COMMITTED,
        /** A business rule said no (course full, ...); nothing changed. */
        REJECTED,
        /** The protocol aborted it (deadline, lock conflict, a node lost the branch); nothing changed. */
        ABORTED,
        /** The outcome could not be learned in time; Pledge resolves it, and status tells which way. */
        IN_DOUBT
    }

    /**
     * Where the client measured the time going: earlier attempts the protocol aborted and the client
     * retried ({@code retriedReasons}, e.g. DEADLOCK_AVOIDED from wait-die or LOCK_TIMEOUT), then the
     * last attempt's begin and operations (which include waiting for locks at the participants), then
     * its commit call. The three add up to the operation's latency.
     */
    public record Split(long retriedUs, long operationsUs, long commitUs, List<String> retriedReasons) {
        public Split {
            retriedReasons = List.copyOf(retriedReasons);
        }
    }

    /** A result whose time was not split (all of it counts as operations). */
    public OpResult(Kind kind, String reason, TxId txId, long latencyUs, int attempts) {
        this(kind, reason, txId, latencyUs, attempts, new Split(0, latencyUs, 0, List.of()));
    }

    public boolean committed() {
        return kind == Kind.COMMITTED;
    }

    /** The same outcome after earlier attempts that took {@code retriedUs} and were aborted for {@code reasons}. */
    OpResult afterRetries(long retriedUs, List<String> reasons) {
        return new OpResult(kind, reason, txId, latencyUs, attempts,
                new Split(retriedUs, split.operationsUs(), split.commitUs(), reasons));
    }

    @Override
    public String toString() {
        return kind + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")") + (txId == null ? "" : " tx " + txId);
    }
}
