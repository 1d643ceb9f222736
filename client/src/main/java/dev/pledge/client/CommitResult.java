package dev.pledge.client;

import dev.pledge.core.AbortReason;
import dev.pledge.core.Check;
import dev.pledge.core.TxState;
import java.util.List;
import java.util.Optional;

/**
 * The decided outcome of a transaction: COMMITTED, or ABORTED with the reason and a message for
 * people (which participant, and what it said). Never PREPARING: undecided is InDoubtException.
 * {@code damage}: for COMMITTED, one line per participant that lost its committed writes (its data
 * directory was replaced after it voted YES); empty when clean. See {@link #intact}.
 */
public record CommitResult(TxState state, Optional<AbortReason> reason, String message, List<String> damage) {

    public CommitResult {
        Check.argument(state == TxState.COMMITTED || state == TxState.ABORTED,
                "a commit result is COMMITTED or ABORTED, was %s", state);
        Check.notNull(reason, "reason");
        message = message == null ? "" : message;
        damage = damage == null ? List.of() : List.copyOf(damage);
    }

    public CommitResult(TxState state, Optional<AbortReason> reason, String message) {
        this(state, reason, message, List.of());
    }

    /** Decided COMMIT (its writes may still have been lost since: see {@link #intact}). */
    public boolean committed() {
        return state == TxState.COMMITTED;
    }

    /** Committed and no participant is known to have lost its writes. */
    public boolean intact() {
        return committed() && damage.isEmpty();
    }
}
