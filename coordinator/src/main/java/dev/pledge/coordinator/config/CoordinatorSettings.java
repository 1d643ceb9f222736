package dev.pledge.coordinator.config;

import static dev.pledge.coordinator.protocol.CoreConfig.DELIVERY_RETRY_BASE_MS_DEFAULT;
import static dev.pledge.coordinator.protocol.CoreConfig.DELIVERY_RETRY_MAX_MS_DEFAULT;
import static dev.pledge.coordinator.protocol.CoreConfig.RETENTION_MS_DEFAULT;
import static dev.pledge.coordinator.protocol.CoreConfig.SWEEP_INTERVAL_MS_DEFAULT;
import static dev.pledge.coordinator.protocol.CoreConfig.TX_TIMEOUT_MAX_MS_DEFAULT;
import static dev.pledge.coordinator.protocol.CoreConfig.TX_TIMEOUT_MIN_MS_DEFAULT;
import static dev.pledge.coordinator.protocol.CoreConfig.TX_TIMEOUT_MS_DEFAULT;

import dev.pledge.core.Limits;
import dev.pledge.core.config.ConfigSchema;
import dev.pledge.core.config.ConfigValues;
import dev.pledge.core.config.Entries;
import dev.pledge.core.config.Setting;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.ServerLimits;
import dev.pledge.rpc.ServerSettings;
import dev.pledge.tls.TlsSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The coordinator's configuration keys, each with its one default, as a properties file or flags:
 * <pre>
 * core.node-id=coord-1
 * rpc.listen=0.0.0.0:7000
 * rpc.participant.student-a=10.0.0.2:7101
 * storage.data-dir=/var/lib/pledge/coord-1
 * </pre>
 */
public final class CoordinatorSettings {
    public static final Setting<String> NODE_ID = Setting.required("core.node-id", s -> Limits.checkId("core.node-id", s), "coordinator id, e.g. coord-1");
    public static final Setting<Long> TX_TIMEOUT_DEFAULT_MS = Setting.longAtLeast("core.tx-timeout-default-ms",
            TX_TIMEOUT_MS_DEFAULT, 1, "transaction timeout when begin names none");
    public static final Setting<Long> TX_TIMEOUT_MIN_MS = Setting.longAtLeast("core.tx-timeout-min-ms",
            TX_TIMEOUT_MIN_MS_DEFAULT, 1, "shortest transaction timeout accepted");
    public static final Setting<Long> TX_TIMEOUT_MAX_MS = Setting.longAtLeast("core.tx-timeout-max-ms",
            TX_TIMEOUT_MAX_MS_DEFAULT, 1, "longest transaction timeout accepted");
    public static final Setting<Long> RETENTION_MS = Setting.longAtLeast("core.retention-ms", RETENTION_MS_DEFAULT, 0,
            "how long a committed outcome is remembered after END");
    public static final Setting<Long> DELIVERY_RETRY_BASE_MS = Setting.longAtLeast("core.delivery-retry-base-ms",
            DELIVERY_RETRY_BASE_MS_DEFAULT, 1, "first backoff step of resending a decision");
    public static final Setting<Long> DELIVERY_RETRY_MAX_MS = Setting.longAtLeast("core.delivery-retry-max-ms",
            DELIVERY_RETRY_MAX_MS_DEFAULT, 1, "cap of that backoff");
    public static final Setting<Long> SWEEP_INTERVAL_MS = Setting.longAtLeast("core.sweep-interval-ms",
            SWEEP_INTERVAL_MS_DEFAULT, 1, "how often timeouts and retention are swept");
    public static final Setting<Integer> EVENT_QUEUE_MAX = Setting.intIn("core.event-queue-max", 10_000, 1, 10_000_000,
            "requests waiting for the core's thread; beyond it callers get Unavailable");
    public static final Setting<Long> RANDOM_SEED = Setting.withDefault("core.random-seed", "random",
            s -> s.equals("random") ? System.nanoTime() : Setting.parseLong(s), "seed of retry jitter, or random");
    public static final Setting<Endpoint> LISTEN = Setting.required("rpc.listen", Endpoint::parse,
            "host:port to serve on (port 0 picks a free one)");
    public static final Entries<List<Endpoint>> PARTICIPANTS = new Entries<>("rpc.participant", Endpoint::parseList,
            "a participant the coordinator may call, id=host:port; a replicated one lists every replica, "
                    + "id=host:port,host:port,host:port (its leader serves, the others name it)");
    public static final Setting<Long> PARTICIPANT_CALL_TIMEOUT_MS = Setting.longAtLeast("rpc.participant-call-timeout-ms",
            5_000, 1, "deadline of one prepare/commit/abort call");
    public static final Setting<Integer> SERVER_WORKERS_MAX = Setting.intIn("rpc.server-workers-max",
            ServerLimits.DEFAULT_WORKERS, 1, ServerLimits.WORKERS_MAX, "requests executed at once (idle connections hold none)");
    public static final Setting<Integer> SENDER_THREADS_MAX = Setting.intIn("rpc.sender-threads-max", 16, 1, 1_000,
            "threads calling participants (1 sends one message at a time)");
    public static final Setting<Long> DECISION_LINGER_MS = Setting.longAtLeast("rpc.decision-linger-ms", 1, 0,
            "how long a phase-two commit to an idle participant waits for a prepare to share its call (0: never; "
                    + "the prepared branch's locks stay held meanwhile, and a transaction meeting them waits)");
    public static final Setting<Endpoint> METRICS = Setting.optional("rpc.metrics", Endpoint::parse,
            "host:port for HTTP /metrics and /health (port 0 = any); off if absent");
    public static final Setting<Path> DATA_DIR = Setting.required("storage.data-dir", Path::of, "directory of the decision log");

    public static final ConfigSchema SCHEMA = new ConfigSchema("coordinator", Stream.of(
            List.of(NODE_ID, TX_TIMEOUT_DEFAULT_MS, TX_TIMEOUT_MIN_MS, TX_TIMEOUT_MAX_MS, RETENTION_MS,
                    DELIVERY_RETRY_BASE_MS, DELIVERY_RETRY_MAX_MS, SWEEP_INTERVAL_MS, EVENT_QUEUE_MAX, RANDOM_SEED,
                    LISTEN, PARTICIPANT_CALL_TIMEOUT_MS, SERVER_WORKERS_MAX),
            ServerSettings.ALL,
            TlsSettings.ALL,
            List.of(SENDER_THREADS_MAX, DECISION_LINGER_MS, METRICS, DATA_DIR)).<Setting<?>>flatMap(List::stream).toList(),
            List.of(PARTICIPANTS),
            Map.of("tx-timeout-ms", TX_TIMEOUT_DEFAULT_MS.key(), "seed", RANDOM_SEED.key()));

    private CoordinatorSettings() {}

    public static CoordinatorConfig config(ConfigValues v) {
        return new CoordinatorConfig(
                new CoordinatorConfig.Core(v.get(NODE_ID), v.get(TX_TIMEOUT_DEFAULT_MS), v.get(TX_TIMEOUT_MIN_MS),
                        v.get(TX_TIMEOUT_MAX_MS), v.get(RETENTION_MS), v.get(DELIVERY_RETRY_BASE_MS),
                        v.get(DELIVERY_RETRY_MAX_MS), v.get(SWEEP_INTERVAL_MS), v.get(EVENT_QUEUE_MAX), v.get(RANDOM_SEED)),
                new CoordinatorConfig.Rpc(v.get(LISTEN), firsts(v.get(PARTICIPANTS)), replicated(v.get(PARTICIPANTS)),
                        v.get(PARTICIPANT_CALL_TIMEOUT_MS), ServerSettings.limits(v, v.get(SERVER_WORKERS_MAX)),
                        v.get(SENDER_THREADS_MAX), v.get(DECISION_LINGER_MS), RpcClientConfig.defaults(), v.get(METRICS),
                        TlsSettings.files(v)),
                new CoordinatorConfig.Storage(v.get(DATA_DIR)));
    }

    private static Map<String, Endpoint> firsts(Map<String, List<Endpoint>> registry) {
        Map<String, Endpoint> out = new TreeMap<>();
        registry.forEach((id, endpoints) -> out.put(id, endpoints.get(0)));
        return out;
    }

    private static Map<String, List<Endpoint>> replicated(Map<String, List<Endpoint>> registry) {
        Map<String, List<Endpoint>> out = new TreeMap<>(registry);
        out.values().removeIf(endpoints -> endpoints.size() < 2);
        return out;
    }
}
