package dev.pledge.participant.protocol;

import dev.pledge.core.AbortReason;
import dev.pledge.core.BranchState;
import dev.pledge.core.Vote;

/** An answer to the request that carried {@code token}. */
public sealed interface Reply {
    long token();

    enum ErrorKind { NOT_ALLOWED, INVALID, UNAVAILABLE, UNKNOWN_TRANSACTION }

    /**
     * The lock is held. For a read: {@code readStore} means "read committed data", otherwise the
     * branch's own buffered value is the answer ({@code null} = the branch deleted it).
     */
    record Granted(long token, boolean readStore, byte[] bufferedValue) implements Reply {}

    record Voted(long token, Vote vote, AbortReason reason, String message) implements Reply {}

    /** {@code reason} and {@code message}: why a one-phase commit aborted (null otherwise). */
    record Acked(long token, BranchState state, AbortReason reason, String message) implements Reply {
        public Acked(long token, BranchState state) {
            this(token, state, null, null);
        }
    }

    record PeerAnswer(long token, BranchState state) implements Reply {}

    record Failed(long token, ErrorKind kind, AbortReason reason, String message) implements Reply {}

    /** An operator's resolve: the state afterwards, and whether it was forced or already decided. */
    record Resolved(long token, BranchState state, boolean forced, String message) implements Reply {}

    /** A retried operation (same txId and opSeq): the first run's result, not run again (I7). */
    record Cached(long token, Object result) implements Reply {}

    /** The operation is new: run it. */
    record Proceed(long token) implements Reply {}
}
