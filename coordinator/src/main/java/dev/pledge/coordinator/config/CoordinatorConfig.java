package dev.pledge.coordinator.config;

import dev.pledge.coordinator.protocol.CoreConfig;
import dev.pledge.core.Check;
import dev.pledge.core.config.ConfigValues;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.ServerLimits;
import dev.pledge.tls.TlsFiles;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a coordinator node needs, validated once, in three sections. Its keys and defaults
 * are defined once, in {@link CoordinatorSettings}; {@link #defaults} goes through them too.
 */
public record CoordinatorConfig(Core core, Rpc rpc, Storage storage) {

    /**
     * What the protocol core and its event loop need.
     *
     * @param randomSeed seeds retry jitter; fixed in tests for exact runs
     */
    public record Core(String nodeId, long txTimeoutDefaultMs, long txTimeoutMinMs, long txTimeoutMaxMs,
                       long retentionMs, long deliveryRetryBaseMs, long deliveryRetryMaxMs, long sweepIntervalMs,
                       int eventQueueMax, long randomSeed) {
        public Core {
            Check.argument(nodeId != null && nodeId.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*"),
                    "nodeId must be letters, digits, '-', '_' (dots between them), was %s", nodeId);
            Check.argument(eventQueueMax > 0, "eventQueueMax must be > 0");
        }
    }

    /**
     * The coordinator's address, the participant registry (enlist names an id; the coordinator
     * talks only to addresses configured here) and the limits of its calls.
     *
     * @param participants             every participant by id, at its address (a replicated one: its first replica's)
     * @param participantReplicas      every replica's address of each replicated participant; calls go to whichever leads
     * @param participantCallTimeoutMs deadline of one prepare/commit/abort call (the RPC client retries inside it)
     * @param server                   what the RPC server's connections may take (workers, connections, buffers, timeouts)
     * @param decisionLingerMs         how long a phase-two commit to an idle participant waits for a prepare to ride with
     * @param metrics                  where /metrics and /health are served; null for none
     * @param tls                      this node's TLS files; null for plain TCP
     */
    public record Rpc(Endpoint listen, Map<String, Endpoint> participants, Map<String, List<Endpoint>> participantReplicas,
                      long participantCallTimeoutMs,
                      ServerLimits server, int senderThreadsMax, long decisionLingerMs, RpcClientConfig client,
                      Endpoint metrics,
                      TlsFiles tls) {
        public Rpc {
            Check.notNull(listen, "listen");
            participants = Map.copyOf(new TreeMap<>(Check.notNull(participants, "participants")));
            participants.keySet().forEach(id -> Check.argument(!id.isBlank(), "participant id is blank"));
            participantReplicas = Map.copyOf(new TreeMap<>(Check.notNull(participantReplicas, "participantReplicas")));
            for (Map.Entry<String, List<Endpoint>> r : participantReplicas.entrySet()) {
                Check.argument(!r.getValue().isEmpty() && r.getValue().get(0).equals(participants.get(r.getKey())),
                        "participant %s's first replica %s is not its registered address %s", r.getKey(), r.getValue(),
                        participants.get(r.getKey()));
            }
            Check.argument(participantCallTimeoutMs > 0, "participantCallTimeoutMs must be > 0");
            Check.notNull(server, "server");
            Check.argument(senderThreadsMax > 0, "senderThreadsMax must be > 0");
            Check.argument(decisionLingerMs >= 0, "decisionLingerMs must be >= 0");
            Check.notNull(client, "client");
        }
    }

    /** Where the decision log lives. */
    public record Storage(Path dataDir) {
        public Storage {
            Check.notNull(dataDir, "dataDir");
        }
    }

    public CoordinatorConfig {
        Check.notNull(core, "core");
        Check.notNull(rpc, "rpc");
        Check.notNull(storage, "storage");
        coreConfig(core, rpc); // validates the protocol limits
    }

    /** Defaults for everything but identity, address, data and registry. */
    public static CoordinatorConfig defaults(String nodeId, Endpoint listen, Path dataDir, Map<String, Endpoint> participants) {
        Map<String, String> given = new HashMap<>();
        given.put(CoordinatorSettings.NODE_ID.key(), nodeId);
        given.put(CoordinatorSettings.LISTEN.key(), listen.toString());
        given.put(CoordinatorSettings.DATA_DIR.key(), dataDir.toString());
        participants.forEach((id, address) -> given.put(CoordinatorSettings.PARTICIPANTS.prefix() + "." + id, address.toString()));
        return CoordinatorSettings.config(ConfigValues.of(CoordinatorSettings.SCHEMA, given));
    }

    public CoreConfig coreConfig() {
        return coreConfig(core, rpc);
    }

    private static CoreConfig coreConfig(Core c, Rpc rpc) {
        return new CoreConfig(c.nodeId(), rpc.participants().keySet(), c.txTimeoutDefaultMs(), c.txTimeoutMinMs(),
                c.txTimeoutMaxMs(), c.retentionMs(), c.deliveryRetryBaseMs(), c.deliveryRetryMaxMs(), c.sweepIntervalMs(),
                CoreConfig.PARKED_REPLIES_MAX_DEFAULT, CoreConfig.SWEEP_BATCH_MAX_DEFAULT, CoreConfig.CONCLUDED_MAX_DEFAULT,
                CoreConfig.ANSWER_GRACE_MS_DEFAULT);
    }

    public CoordinatorConfig withRetentionMs(long value) {
        return new CoordinatorConfig(new Core(core.nodeId(), core.txTimeoutDefaultMs(), core.txTimeoutMinMs(),
                core.txTimeoutMaxMs(), value, core.deliveryRetryBaseMs(), core.deliveryRetryMaxMs(),
                core.sweepIntervalMs(), core.eventQueueMax(), core.randomSeed()), rpc, storage);
    }

    public CoordinatorConfig withDeliveryRetryMs(long baseMs, long maxMs) {
        return new CoordinatorConfig(new Core(core.nodeId(), core.txTimeoutDefaultMs(), core.txTimeoutMinMs(),
                core.txTimeoutMaxMs(), core.retentionMs(), baseMs, maxMs, core.sweepIntervalMs(), core.eventQueueMax(),
                core.randomSeed()), rpc, storage);
    }

    public CoordinatorConfig withRandomSeed(long value) {
        return new CoordinatorConfig(new Core(core.nodeId(), core.txTimeoutDefaultMs(), core.txTimeoutMinMs(),
                core.txTimeoutMaxMs(), core.retentionMs(), core.deliveryRetryBaseMs(), core.deliveryRetryMaxMs(),
                core.sweepIntervalMs(), core.eventQueueMax(), value), rpc, storage);
    }

    public CoordinatorConfig withParticipantCallTimeoutMs(long value) {
        return new CoordinatorConfig(core, new Rpc(rpc.listen(), rpc.participants(), rpc.participantReplicas(), value, rpc.server(),
                rpc.senderThreadsMax(), rpc.decisionLingerMs(), rpc.client(), rpc.metrics(), rpc.tls()), storage);
    }

    public CoordinatorConfig withDecisionLingerMs(long value) {
        return new CoordinatorConfig(core, new Rpc(rpc.listen(), rpc.participants(), rpc.participantReplicas(),
                rpc.participantCallTimeoutMs(), rpc.server(), rpc.senderThreadsMax(), value, rpc.client(), rpc.metrics(),
                rpc.tls()), storage);
    }

    public CoordinatorConfig withSenderThreadsMax(int value) {
        return new CoordinatorConfig(core, new Rpc(rpc.listen(), rpc.participants(), rpc.participantReplicas(),
                rpc.participantCallTimeoutMs(), rpc.server(), value, rpc.decisionLingerMs(), rpc.client(), rpc.metrics(),
                rpc.tls()), storage);
    }

    /** TLS on every link with these files; null for plain TCP. */
    public CoordinatorConfig withTls(TlsFiles v) {
        return new CoordinatorConfig(core, new Rpc(rpc.listen(), rpc.participants(), rpc.participantReplicas(),
                rpc.participantCallTimeoutMs(), rpc.server(), rpc.senderThreadsMax(), rpc.decisionLingerMs(), rpc.client(),
                rpc.metrics(), v), storage);
    }

    /** Registers {@code id} as a replicated participant at these replicas (its first one becomes its registered address). */
    public CoordinatorConfig withParticipantReplicas(String id, List<Endpoint> replicas) {
        Map<String, Endpoint> participants = new TreeMap<>(rpc.participants());
        participants.put(id, replicas.get(0));
        Map<String, List<Endpoint>> replicated = new TreeMap<>(rpc.participantReplicas());
        replicated.put(id, List.copyOf(replicas));
        return new CoordinatorConfig(core, new Rpc(rpc.listen(), participants, replicated, rpc.participantCallTimeoutMs(),
                rpc.server(), rpc.senderThreadsMax(), rpc.decisionLingerMs(), rpc.client(), rpc.metrics(), rpc.tls()),
                storage);
    }
}
