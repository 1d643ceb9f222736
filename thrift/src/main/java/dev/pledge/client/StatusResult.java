package dev.pledge.client;

import dev.pledge.core.AbortReason;
import dev.pledge.core.Check;
import dev.pledge.core.TxState;
import java.util.Optional;

/** What the coordinator says about a transaction now. */
public record StatusResult(TxState state, Optional<AbortReason> reason, String message) {

    public StatusResult {
        Check.notNull(state, "state");
        Check.notNull(reason, "reason");
        message = message == null ? "" : message;
    }
}
