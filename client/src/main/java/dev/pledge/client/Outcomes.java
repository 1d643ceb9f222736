package dev.pledge.client;

import dev.pledge.core.AbortReason;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Outcome;
import dev.pledge.wire.StatusResponse;
import java.util.Optional;

/** Wire answers of the coordinator as SDK values. */
final class Outcomes {
    private Outcomes() {}

    static CommitResult fromOutcome(Outcome o) {
        return new CommitResult(Wire.fromWire(o.getState()), reason(o.isSetReason() ? o.getReason() : null),
                o.getMessage(), o.getDamage());
    }

    static CommitResult fromStatus(StatusResponse s) {
        return new CommitResult(Wire.fromWire(s.getState()), reason(s.isSetReason() ? s.getReason() : null),
                s.getMessage(), s.getDamage());
    }

    static StatusResult statusResult(StatusResponse s) {
        return new StatusResult(Wire.fromWire(s.getState()), reason(s.isSetReason() ? s.getReason() : null),
                s.getMessage(), s.getDamage());
    }

    private static Optional<AbortReason> reason(dev.pledge.wire.AbortReason r) {
        return r == null ? Optional.empty() : Optional.of(Wire.fromWire(r));
    }
}
