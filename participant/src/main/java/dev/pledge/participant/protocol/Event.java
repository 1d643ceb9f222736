package dev.pledge.participant.protocol;

import dev.pledge.core.AbortReason;
import dev.pledge.core.BranchState;
import dev.pledge.core.Check;
import dev.pledge.core.Check;
import dev.pledge.core.Incarnations;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import java.util.List;

/** Everything that can happen to a participant. Each event carries the time it happened. */
public sealed interface Event {
    long nowMs();

    /** First event after {@link ParticipantCore#recover}: bumps the incarnation and resumes in-doubt polling. */
    /**
     * The first event: syncs a new incarnation, at least {@code start.floor()}, and a storage
     * identity if the directory has none ({@code start.storageId()}); see {@link Incarnations}.
     */
    record Start(long nowMs, Incarnations.Start start) implements Event {
        public Start {
            Check.notNull(start, "start");
        }
    }

    /** An application operation begins; answered {@link Reply.Cached} for a retry, else {@link Reply.Proceed}. */
    record BeginOp(long nowMs, long token, TxId txId, long opSeq) implements Event {}

    /** An operation finished; its result answers retries of the same opSeq. */
    record EndOp(long nowMs, TxId txId, long opSeq, Object result) implements Event {}

    /** An operation failed (threw, or its caller gave up); if it had written, the branch must not commit. */
    record OpFailed(long nowMs, TxId txId, long opSeq) implements Event {}

    /** A read or write of one key within an operation. */
    record Access(long nowMs, long token, TxId txId, long opSeq, Key key, AccessMode mode, Write write)
            implements Event {
        public Access {
            Check.argument(mode == AccessMode.WRITE ? write != null && write.key().equals(key) : write == null,
                    "a write carries its Write for the same key, a read none");
        }
    }

    /** READ takes a shared lock; READ_FOR_UPDATE reads under an exclusive lock (no later upgrade to die on). */
    enum AccessMode {
        READ, READ_FOR_UPDATE, WRITE;

        public boolean isRead() {
            return this != WRITE;
        }
    }

    /** The coordinator's answer to {@link Message.Enlist}: ok with the time the tx has left, or refused. */
    record EnlistResult(long nowMs, TxId txId, boolean ok, long txRemainingMs, Reply.ErrorKind errorKind,
                        String message) implements Event {
        public static EnlistResult ok(long nowMs, TxId txId, long txRemainingMs) {
            return new EnlistResult(nowMs, txId, true, txRemainingMs, null, null);
        }

        public static EnlistResult refused(long nowMs, TxId txId, Reply.ErrorKind kind, String message) {
            return new EnlistResult(nowMs, txId, false, 0, kind, message);
        }
    }

    /** What the application's validator said about the branch's writes at prepare time. */
    record Verdict(boolean ok, String message) {
        public static final Verdict OK = new Verdict(true, null);

        public static Verdict no(String message) {
            return new Verdict(false, message);
        }
    }

    /**
     * Phase one. {@code writes} non-null: the branch's whole write set, buffered at the client;
     * the branch is born, locked, validated and prepared in this one step ({@code incarnation} unused).
     */
    record Prepare(long nowMs, long token, TxId txId, List<String> participants, String coordinatorId,
                   long incarnation, Verdict verdict, List<Write> writes) implements Event {
        public Prepare {
            participants = List.copyOf(participants);
            writes = writes == null ? null : List.copyOf(writes);
        }

        /** Phase one of a branch built by earlier operations. */
        public Prepare(long nowMs, long token, TxId txId, List<String> participants, String coordinatorId,
                       long incarnation, Verdict verdict) {
            this(nowMs, token, txId, participants, coordinatorId, incarnation, verdict, null);
        }
    }

    record Commit(long nowMs, long token, TxId txId) implements Event {}

    record Abort(long nowMs, long token, TxId txId) implements Event {}

    /** One-phase commit; {@code writes} non-null as in {@link Prepare}: born and committed in one step. */
    record CommitOnePhase(long nowMs, long token, TxId txId, long incarnation, Verdict verdict, List<Write> writes)
            implements Event {
        public CommitOnePhase {
            writes = writes == null ? null : List.copyOf(writes);
        }

        public CommitOnePhase(long nowMs, long token, TxId txId, long incarnation, Verdict verdict) {
            this(nowMs, token, txId, incarnation, verdict, null);
        }
    }

    /**
     * A peer (or a coordinator) asks what this participant knows of {@code txId}. With
     * {@code inquireOnly} nothing changes: an unvoted branch is answered ACTIVE and an unknown
     * transaction UNKNOWN; without it both are refused first (see DecisionRules#peerState).
     */
    record PeerState(long nowMs, long token, TxId txId, String asker, boolean inquireOnly) implements Event {
        public PeerState(long nowMs, long token, TxId txId, String asker) {
            this(nowMs, token, txId, asker, false);
        }
    }

    /** The coordinator's answer to {@link Message.AskCoordinatorStatus}. */
    record CoordinatorStatus(long nowMs, TxId txId, TxState state, AbortReason reason) implements Event {}

    /**
     * {@link Message.AskCoordinatorStatus} failed (unreachable, timed out); poll again later.
     * {@code silentSinceMs}: when the failed call was sent — a call that timed out shows the
     * coordinator silent since then, not only since the failure.
     */
    record CoordinatorUnreachable(long nowMs, TxId txId, String error, long silentSinceMs) implements Event {
        public CoordinatorUnreachable {
            silentSinceMs = Math.min(silentSinceMs, nowMs);
        }

        public CoordinatorUnreachable(long nowMs, TxId txId, String error) {
            this(nowMs, txId, error, nowMs);
        }
    }

    /** A peer's answer to {@link Message.AskPeer}: its branch state, or {@code state == null} and an error. */
    record PeerReplied(long nowMs, TxId txId, String peerId, BranchState state, String error) implements Event {}

    /** Operator {@code operator} forces an in-doubt branch: commit or abort, recorded as HEURISTIC. */
    record Resolve(long nowMs, long token, TxId txId, boolean commit, String operator) implements Event {
        public Resolve {
            Check.notNull(operator, "operator");
        }
    }

    record TimerFired(long nowMs, Timer timer) implements Event {}
}
