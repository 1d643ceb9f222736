package dev.pledge.coordinator.config;

import dev.pledge.coordinator.protocol.CoreConfig;
import dev.pledge.core.Check;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClientConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything a coordinator node needs, validated once. The participant registry maps ids to
 * addresses: enlist names an id, and the coordinator talks only to addresses configured here.
 *
 * @param participantCallTimeoutMs deadline of one prepare/commit/abort call (the RPC client retries inside it)
 * @param randomSeed               seeds retry jitter; fixed in tests for exact runs
 */
public record CoordinatorConfig(String nodeId, Endpoint listen, Path dataDir, Map<String, Endpoint> participants,
                                long txTimeoutDefaultMs, long txTimeoutMinMs, long txTimeoutMaxMs, long retentionMs,
                                long deliveryRetryBaseMs, long deliveryRetryMaxMs, long sweepIntervalMs,
                                long participantCallTimeoutMs, int serverWorkersMax, int eventQueueMax,
                                int senderThreadsMax, RpcClientConfig rpcClient, long randomSeed) {

    public CoordinatorConfig {
        Check.argument(nodeId != null && nodeId.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*"),
                "nodeId must be letters, digits, '-', '_' (dots between them), was %s", nodeId);
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(dataDir, "dataDir");
        participants = Map.copyOf(new TreeMap<>(Objects.requireNonNull(participants, "participants")));
        participants.keySet().forEach(id -> Check.argument(!id.isBlank(), "participant id is blank"));
        Check.argument(participantCallTimeoutMs > 0, "participantCallTimeoutMs must be > 0");
        Check.argument(serverWorkersMax > 0, "serverWorkersMax must be > 0");
        Check.argument(eventQueueMax > 0, "eventQueueMax must be > 0");
        Check.argument(senderThreadsMax > 0, "senderThreadsMax must be > 0");
        Objects.requireNonNull(rpcClient, "rpcClient");
        coreConfig(nodeId, participants, txTimeoutDefaultMs, txTimeoutMinMs, txTimeoutMaxMs, retentionMs,
                deliveryRetryBaseMs, deliveryRetryMaxMs, sweepIntervalMs); // validates the protocol limits
    }

    /** Defaults for everything but identity, address, data and registry. */
    public static CoordinatorConfig defaults(String nodeId, Endpoint listen, Path dataDir,
                                             Map<String, Endpoint> participants) {
        return new CoordinatorConfig(nodeId, listen, dataDir, participants, 30_000, 100, 600_000, 3_600_000,
                50, 5_000, 1_000, 5_000, 64, 10_000, 16, RpcClientConfig.defaults(), System.nanoTime());
    }

    public CoreConfig coreConfig() {
        return coreConfig(nodeId, participants, txTimeoutDefaultMs, txTimeoutMinMs, txTimeoutMaxMs, retentionMs,
                deliveryRetryBaseMs, deliveryRetryMaxMs, sweepIntervalMs);
    }

    private static CoreConfig coreConfig(String nodeId, Map<String, Endpoint> participants, long txDefaultMs,
                                         long txMinMs, long txMaxMs, long retentionMs, long retryBaseMs,
                                         long retryMaxMs, long sweepIntervalMs) {
        return new CoreConfig(nodeId, participants.keySet(), txDefaultMs, txMinMs, txMaxMs, retentionMs,
                retryBaseMs, retryMaxMs, sweepIntervalMs, 64, 1_000, CoreConfig.CONCLUDED_MAX_DEFAULT,
                CoreConfig.ANSWER_GRACE_MS_DEFAULT);
    }

    public CoordinatorConfig withListen(Endpoint value) {
        return new CoordinatorConfig(nodeId, value, dataDir, participants, txTimeoutDefaultMs, txTimeoutMinMs,
                txTimeoutMaxMs, retentionMs, deliveryRetryBaseMs, deliveryRetryMaxMs, sweepIntervalMs,
                participantCallTimeoutMs, serverWorkersMax, eventQueueMax, senderThreadsMax, rpcClient, randomSeed);
    }

    public CoordinatorConfig withRetentionMs(long value) {
        return new CoordinatorConfig(nodeId, listen, dataDir, participants, txTimeoutDefaultMs, txTimeoutMinMs,
                txTimeoutMaxMs, value, deliveryRetryBaseMs, deliveryRetryMaxMs, sweepIntervalMs,
                participantCallTimeoutMs, serverWorkersMax, eventQueueMax, senderThreadsMax, rpcClient, randomSeed);
    }

    public CoordinatorConfig withDeliveryRetryMs(long baseMs, long maxMs) {
        return new CoordinatorConfig(nodeId, listen, dataDir, participants, txTimeoutDefaultMs, txTimeoutMinMs,
                txTimeoutMaxMs, retentionMs, baseMs, maxMs, sweepIntervalMs,
                participantCallTimeoutMs, serverWorkersMax, eventQueueMax, senderThreadsMax, rpcClient, randomSeed);
    }

    public CoordinatorConfig withTxTimeoutsMs(long defaultMs, long minMs, long maxMs) {
        return new CoordinatorConfig(nodeId, listen, dataDir, participants, defaultMs, minMs, maxMs, retentionMs,
                deliveryRetryBaseMs, deliveryRetryMaxMs, sweepIntervalMs,
                participantCallTimeoutMs, serverWorkersMax, eventQueueMax, senderThreadsMax, rpcClient, randomSeed);
    }

    public CoordinatorConfig withParticipantCallTimeoutMs(long value) {
        return new CoordinatorConfig(nodeId, listen, dataDir, participants, txTimeoutDefaultMs, txTimeoutMinMs,
                txTimeoutMaxMs, retentionMs, deliveryRetryBaseMs, deliveryRetryMaxMs, sweepIntervalMs,
                value, serverWorkersMax, eventQueueMax, senderThreadsMax, rpcClient, randomSeed);
    }

    public CoordinatorConfig withSenderThreadsMax(int value) {
        return new CoordinatorConfig(nodeId, listen, dataDir, participants, txTimeoutDefaultMs, txTimeoutMinMs,
                txTimeoutMaxMs, retentionMs, deliveryRetryBaseMs, deliveryRetryMaxMs, sweepIntervalMs,
                participantCallTimeoutMs, serverWorkersMax, eventQueueMax, value, rpcClient, randomSeed);
    }

    public CoordinatorConfig withRandomSeed(long value) {
        return new CoordinatorConfig(nodeId, listen, dataDir, participants, txTimeoutDefaultMs, txTimeoutMinMs,
                txTimeoutMaxMs, retentionMs, deliveryRetryBaseMs, deliveryRetryMaxMs, sweepIntervalMs,
                participantCallTimeoutMs, serverWorkersMax, eventQueueMax, senderThreadsMax, rpcClient, value);
    }
}
