package dev.pledge.coordinator.protocol;

import dev.pledge.core.Check;
import java.util.Set;

/**
 * What the protocol core needs to know: its identity, the participant registry (ids only; the
 * runtime maps ids to addresses), and its time limits. Immutable and validated.
 */
public record CoreConfig(String nodeId, Set<String> participantIds, long txTimeoutDefaultMs, long txTimeoutMinMs,
                         long txTimeoutMaxMs, long retentionMs, long deliveryRetryBaseMs,
                         long deliveryRetryMaxMs, long sweepIntervalMs, int parkedRepliesMax, int sweepBatchMax,
                         int concludedMax, long answerGraceMs) {
    /**
     * Concluded transactions kept for status and request-key answers before retention forgets them
     * early (memory: about 0.2 KB each); never one whose client may still be retrying (see below).
     */
    public static final int CONCLUDED_MAX_DEFAULT = 500_000;
    /**
     * However full the archive, a concluded transaction is kept until its deadline plus this: a
     * client still retrying its commit within its own window (the SDK's is timeout plus 5 s grace)
     * gets the real outcome, and a retried request key is still recognised.
     */
    public static final long ANSWER_GRACE_MS_DEFAULT = 60_000;
    public static final long TX_TIMEOUT_MS_DEFAULT = 30_000;
    public static final long TX_TIMEOUT_MIN_MS_DEFAULT = 100;
    public static final long TX_TIMEOUT_MAX_MS_DEFAULT = 600_000;
    public static final long RETENTION_MS_DEFAULT = 3_600_000;
    public static final long DELIVERY_RETRY_BASE_MS_DEFAULT = 50;
    public static final long DELIVERY_RETRY_MAX_MS_DEFAULT = 5_000;
    public static final long SWEEP_INTERVAL_MS_DEFAULT = 1_000;
    public static final int PARKED_REPLIES_MAX_DEFAULT = 64;
    public static final int SWEEP_BATCH_MAX_DEFAULT = 1_000;

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
        Check.argument(concludedMax > 0, "concludedMax must be > 0");
        Check.argument(answerGraceMs >= 0, "answerGraceMs must be >= 0");
    }

    /** Sensible limits for tests and simulations: only the identity and registry are required. */
    public static CoreConfig of(String nodeId, Set<String> participantIds) {
        return new CoreConfig(nodeId, participantIds, TX_TIMEOUT_MS_DEFAULT, TX_TIMEOUT_MIN_MS_DEFAULT,
                TX_TIMEOUT_MAX_MS_DEFAULT, RETENTION_MS_DEFAULT, DELIVERY_RETRY_BASE_MS_DEFAULT,
                DELIVERY_RETRY_MAX_MS_DEFAULT, SWEEP_INTERVAL_MS_DEFAULT, PARKED_REPLIES_MAX_DEFAULT,
                SWEEP_BATCH_MAX_DEFAULT, CONCLUDED_MAX_DEFAULT, ANSWER_GRACE_MS_DEFAULT);
    }

    public CoreConfig withRetentionMs(long value) {
        return new CoreConfig(nodeId, participantIds, txTimeoutDefaultMs, txTimeoutMinMs, txTimeoutMaxMs, value,
                deliveryRetryBaseMs, deliveryRetryMaxMs, sweepIntervalMs, parkedRepliesMax, sweepBatchMax, concludedMax, answerGraceMs);
    }

    public CoreConfig withArchive(int concludedMaxValue, long answerGraceMsValue) {
        return new CoreConfig(nodeId, participantIds, txTimeoutDefaultMs, txTimeoutMinMs, txTimeoutMaxMs, retentionMs,
                deliveryRetryBaseMs, deliveryRetryMaxMs, sweepIntervalMs, parkedRepliesMax, sweepBatchMax,
                concludedMaxValue, answerGraceMsValue);
    }
}
