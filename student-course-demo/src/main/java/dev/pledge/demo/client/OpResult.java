package dev.pledge.demo.client;

import dev.pledge.core.TxId;

/** What a user sees of one enrollment operation. */
public record OpResult(Kind kind, String reason, TxId txId, long latencyUs, int attempts) {
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

    public boolean committed() {
        return kind == Kind.COMMITTED;
    }

    @Override
    public String toString() {
        return kind + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")") + (txId == null ? "" : " tx " + txId);
    }
}
