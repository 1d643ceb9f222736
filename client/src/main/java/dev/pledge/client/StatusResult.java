package dev.pledge.client;

import dev.pledge.core.AbortReason;
import dev.pledge.core.Check;
import dev.pledge.core.TxState;
import java.util.List;
import java.util.Optional;

/**
 * What the coordinator says about a transaction now; {@code damage} as in {@link CommitResult}:
 * a COMMITTED transaction whose writes a participant lost.
 */
public record StatusResult(TxState state, Optional<AbortReason> reason, String message, List<String> damage) {

    public StatusResult {
        Check.notNull(state, "state");
        Check.notNull(reason, "reason");
        message = message == null ? "" : message;
        damage = damage == null ? List.of() : List.copyOf(damage);
    }

    public StatusResult(TxState state, Optional<AbortReason> reason, String message) {
        this(state, reason, message, List.of());
    }
}
