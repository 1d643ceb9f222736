package dev.pledge.coordinator.protocol;

import dev.pledge.core.AbortReason;
import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.core.Vote;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An input to {@link CoordinatorCore#step}. Every event carries the time it happened, so the core
 * never reads a clock. Client requests carry a reply token that comes back on their {@link Reply}.
 */
public sealed interface Event {
    long nowMs();

    /** Client: start a transaction; {@code txTimeoutMs} 0 means the configured default. */
    record Begin(long nowMs, long replyToken, long txTimeoutMs) implements Event {}

    /** Participant (on its first operation): join an ACTIVE transaction. */
    record Enlist(long nowMs, long replyToken, TxId txId, String participantId, long incarnation) implements Event {}

    record Commit(long nowMs, long replyToken, TxId txId) implements Event {}
    /**
     * Client: begin and commit a write-only transaction whose writes it buffered, in one request.
     * {@code requestKey} is the client's idempotency key: a retry with it joins the first attempt.
     * {@code resend}: the client sent it before (see {@code CoordinatorCore} on a young data directory).
     * {@code writes} maps each participant (in the client's order) to its write set.
     */
    record CommitWrites(long nowMs, long replyToken, String requestKey, Map<String, List<Write>> writes,
                        long txTimeoutMs, boolean resend) implements Event {
        public CommitWrites {
            Objects.requireNonNull(requestKey, "requestKey");
            writes = Collections.unmodifiableMap(new LinkedHashMap<>(writes));
        }

        /** A first send. */
        public CommitWrites(long nowMs, long replyToken, String requestKey, Map<String, List<Write>> writes,
                            long txTimeoutMs) {
            this(nowMs, replyToken, requestKey, writes, txTimeoutMs, false);
        }
    }

    record Abort(long nowMs, long replyToken, TxId txId) implements Event {}

    record Status(long nowMs, long replyToken, TxId txId) implements Event {}

    /**
     * A participant answered prepare. {@code reason} and {@code message} may be null unless NO.
     * {@code storageId}: the identity of the storage the vote is durable on (0: not sent).
     */
    record VoteReceived(long nowMs, TxId txId, String participantId, Vote vote, AbortReason reason, String message,
                        long storageId) implements Event {
        public VoteReceived(long nowMs, TxId txId, String participantId, Vote vote, AbortReason reason, String message) {
            this(nowMs, txId, participantId, vote, reason, message, 0);
        }
    }

    /**
     * The event for a participant's answer to {@link Message.AskVote}: a durable yes (PREPARED, or
     * a branch already committed: T is then committed) is a YES vote; ABORTED is a durable refusal;
     * anything else (its outcome forgotten) tells nothing, and the core asks again later.
     */
    public static Event ofVoteAnswer(long nowMs, TxId txId, String participantId, BranchState state, long storageId) {
        return switch (state) {
            case PREPARED, COMMITTED, HEURISTIC_COMMITTED, HEURISTIC_ABORTED, HEURISTIC_MIXED ->
                    new VoteReceived(nowMs, txId, participantId, Vote.YES, null, null, storageId);
            case ABORTED -> new VoteReceived(nowMs, txId, participantId, Vote.NO, AbortReason.COOPERATIVE_TERMINATION,
                    "refused: it had not voted when asked", storageId);
            default -> new PrepareFailed(nowMs, txId, participantId, "its vote is unknown there (" + state + ")");
        };
    }

    /** Prepare (or a vote inquiry) got no answer, after the RPC layer's own retries. */
    record PrepareFailed(long nowMs, TxId txId, String participantId, String error) implements Event {}

    /**
     * A participant acknowledged commit or abort. {@code state}: the branch's state it reported
     * (null: not sent); {@code storageId}: the storage it answered from (0: not sent).
     */
    record Acked(long nowMs, TxId txId, String participantId, BranchState state, long storageId) implements Event {
        public Acked(long nowMs, TxId txId, String participantId) {
            this(nowMs, txId, participantId, null, 0);
        }
    }

    /** A commit or abort could not be delivered, after the RPC layer's own retries. */
    record DeliveryFailed(long nowMs, TxId txId, String participantId, String error) implements Event {}

    /** What the only participant of a one-phase commit said (to the one-phase commit or to AskBranch). */
    /** {@code storageId}: the storage the participant answered from (0: not sent). */
    record OnePhaseResult(long nowMs, TxId txId, String participantId, OnePhaseOutcome outcome, AbortReason reason,
                          String message, long storageId) implements Event {
        public OnePhaseResult(long nowMs, TxId txId, String participantId, OnePhaseOutcome outcome, AbortReason reason,
                              String message) {
            this(nowMs, txId, participantId, outcome, reason, message, 0);
        }

        public OnePhaseResult(long nowMs, TxId txId, String participantId, OnePhaseOutcome outcome) {
            this(nowMs, txId, participantId, outcome, null, null);
        }
    }

    record TimerFired(long nowMs, Timer timer) implements Event {}

    /** UNKNOWN: no answer (unreachable, or the branch is still undecided); the core asks again later. */
    enum OnePhaseOutcome { COMMITTED, ABORTED, UNKNOWN }
}
