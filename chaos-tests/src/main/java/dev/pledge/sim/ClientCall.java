package dev.pledge.sim;

import dev.pledge.core.AbortReason;
import dev.pledge.core.TxId;
import java.util.SortedMap;

/** What simulated clients send: coordinator API calls, and participant operations with their opSeq. */
sealed interface ClientCall {
    record Begin(long txTimeoutMs) implements ClientCall {}

    record Commit(TxId txId) implements ClientCall {}

    record Abort(TxId txId) implements ClientCall {}

    record Status(TxId txId) implements ClientCall {}

    /**
     * A write-only transaction in one request: participant -> key -> value text. Every attempt of one
     * transaction carries the same {@code requestKey}, so a retry joins the first instead of running again;
     * every attempt after the first is marked {@code resend}, as the SDK marks it.
     */
    record CommitWrites(String requestKey, SortedMap<String, SortedMap<String, String>> writes, long txTimeoutMs,
                        boolean resend) implements ClientCall {
        CommitWrites asResend() {
            return resend ? this : new CommitWrites(requestKey, writes, txTimeoutMs, true);
        }
    }

    /** Read {@code key} and, unless {@code read}, add {@code delta} to it: one operation, applied once. */
    record Op(TxId txId, long opSeq, String key, long delta, boolean read) implements ClientCall {}

    /** The participant application's answer to an {@link Op}. */
    record OpResult(boolean ok, long value, AbortReason reason, String error) {
        static OpResult ok(long value) {
            return new OpResult(true, value, null, null);
        }

        /** The participant said "not now" (e.g. the first run of this opSeq is still going): retry. */
        boolean isUnavailable() {
            return !ok && error != null && error.startsWith("UNAVAILABLE");
        }

        static OpResult failed(AbortReason reason, String error) {
            return new OpResult(false, 0, reason, error);
        }
    }
}
