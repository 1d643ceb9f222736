package dev.pledge.coordinator.protocol;

import dev.pledge.core.AbortReason;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.core.Vote;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One transaction in the coordinator's memory. Mutated only by the core's step (one thread). */
final class CoordinatorTx {
    /** An incarnation we do not know: the transaction was rebuilt from the log. */
    static final long UNKNOWN_INCARNATION = -1;

    final TxId id;
    CoordinatorTxState state;
    final long deadlineMs;
    /** Enlisted participants in enlistment order, with the incarnation that enlisted. */
    final Map<String, Long> enlisted = new LinkedHashMap<>();
    final Map<String, Vote> votes = new HashMap<>();
    /** The storage identity each YES voter voted from (where it sent one), for telling data loss at phase two. */
    final Map<String, Long> voterStorage = new LinkedHashMap<>();
    /** One line per participant whose acknowledgement showed its committed writes lost; empty when clean. */
    final List<String> damage = new ArrayList<>();
    /** The only participant of a one-phase commit, from its ONE_PHASE marker; null for 2PC. */
    String onePhaseParticipant;
    /** Participants still owed a phase-two decision (commit to YES voters, or abort). */
    final Set<String> pendingDelivery = new LinkedHashSet<>();
    /** Consecutive failed deliveries per participant, for exponential backoff. */
    final Map<String, Integer> deliveryFailures = new HashMap<>();
    AbortReason reason;
    String message = "";
    boolean clientAborted;
    /**
     * Set once prepares may have been delivered and the transaction must end without waiting for
     * every vote (deadline, an unreachable participant, the client's abort): why it would abort.
     * From then on it is resolved through the participants, never aborted from a missing answer.
     */
    AbortReason resolving;
    String resolvingWhy;
    long decidedAtMs;
    long endTimeMs;
    /** Commit and abort requests waiting for the decision. */
    final List<Parked> parked = new ArrayList<>();
    /** A write-only transaction: each participant's write set until its prepare is sent, then null. */
    Map<String, List<Write>> writes;
    /** A write-only transaction's idempotency key (from the client, or replayed from its record). */
    String requestKey;

    CoordinatorTx(TxId id, CoordinatorTxState initial, long deadlineMs) {
        this.id = id;
        this.state = initial;
        this.deadlineMs = deadlineMs;
    }

    /**
     * A waiting request; {@code commit} false means an abort waiting on a one-phase commit;
     * {@code written}: a write-only transaction's request, answered with the TxId beside the outcome.
     */
    record Parked(long replyToken, boolean commit, boolean written) {}

    void moveTo(CoordinatorTxState next, String nodeId, String why, OutputsBuilder out) {
        next.checkTransitionFrom(state);
        String line = nodeId + " tx " + id + " " + state + " -> " + next + " (" + why + ")";
        if (next == CoordinatorTxState.ABORTED) out.transition(line);
        else out.routine(line);
        state = next;
    }

    boolean isOnePhase() {
        return onePhaseParticipant != null;
    }

    /** The state a client sees: ENDED is internal and still reads COMMITTED. */
    TxState clientState() {
        return switch (state) {
            case ACTIVE -> TxState.ACTIVE;
            case PREPARING -> TxState.PREPARING;
            case COMMITTED, ENDED -> TxState.COMMITTED;
            case ABORTED -> TxState.ABORTED;
            case FORGOTTEN -> TxState.FORGOTTEN;
        };
    }

    List<String> participants() {
        return List.copyOf(enlisted.keySet());
    }
}
