package dev.pledge.client;

import dev.pledge.core.AbortReason;
import dev.pledge.core.Check;
import dev.pledge.core.TxState;
import java.util.Optional;

/**
 * The decided outcome of a transaction: COMMITTED, or ABORTED with the reason and a message for
 * people (which participant, and what it said). Never PREPARING: undecided is InDoubtException.
 */
public record CommitResult(TxState state, Optional<AbortReason> reason, String message) {

    public CommitResult {
        Check.argument(state == TxState.COMMITTED || state == TxState.ABORTED,
                "a commit result is COMMITTED or ABORTED, was %s", state);
        Check.notNull(reason, "reason");
        message = message == null ? "" : message;
    }

    public boolean committed() {
        return state == TxState.COMMITTED;
    }
}
