package dev.pledge.coordinator.protocol;

import dev.pledge.core.Check;
import java.util.Set;

/**
 * What the protocol core needs to know: its identity, the participant registry (ids only; the
 * runtime maps ids to addresses), and its time limits. Immutable and validated.
 */
public record CoreConfig(String nodeId, Set<String> participantIds, long txTimeoutDefaultMs, long txTimeoutMinMs,
                         long txTimeoutMaxMs, long retentionMs, long deliveryRetryBaseMs,
                         long deliveryRetryMaxMs, long sweepIntervalMs, int parkedRepliesMax, int sweepBatchMax) {

    public CoreConfig {
        Check.argument(nodeId != null && !nodeId.isBlank(), "nodeId is required");
        participantIds = Set.copyOf(participantIds);
        Check.argument(txTimeoutMinMs > 0, "txTimeoutMinMs must be > 0");
        Check.argument(txTimeoutMinMs <= txTimeoutDefaultMs && txTimeoutDefaultMs <= txTimeoutMaxMs,
                "need txTimeoutMinMs <= txTimeoutDefaultMs <= txTimeoutMaxMs, got %s, %s, %s",
                txTimeoutMinMs, txTimeoutDefaultMs, txTimeoutMaxMs);
        Check.argument(retentionMs >= 0, "retentionMs must be >= 0");
        Check.argument(deliveryRetryBaseMs > 0 && deliveryRetryBaseMs <= deliveryRetryMaxMs,
                "need 0 < deliveryRetryBaseMs <= deliveryRetryMaxMs");
        Check.argument(sweepIntervalMs > 0, "sweepIntervalMs must be > 0");
        Check.argument(parkedRepliesMax > 0, "parkedRepliesMax must be > 0");
        Check.argument(sweepBatchMax > 0, "sweepBatchMax must be > 0");
    }

    /** Sensible limits for tests and simulations: only the identity and registry are required. */
    public static CoreConfig of(String nodeId, Set<String> participantIds) {
        return new CoreConfig(nodeId, participantIds, 30_000, 100, 600_000, 3_600_000, 50, 5_000, 1_000, 64, 1_000);
    }

    public CoreConfig withRetentionMs(long value) {
        return new CoreConfig(nodeId, participantIds, txTimeoutDefaultMs, txTimeoutMinMs, txTimeoutMaxMs, value,
                deliveryRetryBaseMs, deliveryRetryMaxMs, sweepIntervalMs, parkedRepliesMax, sweepBatchMax);
    }
}
