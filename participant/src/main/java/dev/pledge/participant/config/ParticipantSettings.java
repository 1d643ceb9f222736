package dev.pledge.participant.config;

import static dev.pledge.participant.protocol.CoreConfig.IN_DOUBT_POLL_BASE_MS_DEFAULT;
import static dev.pledge.participant.protocol.CoreConfig.IN_DOUBT_POLL_MAX_MS_DEFAULT;
import static dev.pledge.participant.protocol.CoreConfig.LOCK_WAIT_MAX_MS_DEFAULT;
import static dev.pledge.participant.protocol.CoreConfig.OUTCOME_RETENTION_MS_DEFAULT;
import static dev.pledge.participant.protocol.CoreConfig.PEER_ASK_AFTER_MS_DEFAULT;

import dev.pledge.core.Check;
import dev.pledge.core.Limits;
import dev.pledge.core.config.ConfigSchema;
import dev.pledge.core.config.ConfigValues;
import dev.pledge.core.config.Entries;
import dev.pledge.core.config.Setting;
import dev.pledge.participant.storage.WalRecycling;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.ServerLimits;
import dev.pledge.rpc.ServerSettings;
import dev.pledge.tls.TlsSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The participant's configuration keys, each with its one default, as a properties file or flags:
 * <pre>
 * core.participant-id=course-c
 * rpc.listen=0.0.0.0:7103
 * rpc.coordinator=10.0.0.1:7000
 * rpc.coordinators.coord-2=10.0.0.4:7000
 * rpc.peer.student-a=10.0.0.2:7101
 * rpc.operator-token-file=/etc/pledge/operator.token
 * storage.data-dir=/var/lib/pledge/course-c
 * </pre>
 * A replicated shard names its replicas on every one of its nodes, and which one this node is:
 * <pre>
 * core.replica-id=m1
 * rpc.replica.m1=10.0.0.1:7203/10.0.0.1:7103
 * rpc.replica.m2=10.0.0.2:7203/10.0.0.2:7103
 * rpc.replica.m3=10.0.0.3:7203/10.0.0.3:7103
 * </pre>
 */
public final class ParticipantSettings {
    public static final Setting<String> PARTICIPANT_ID = Setting.required("core.participant-id", s -> Limits.checkId("core.participant-id", s),
            "participant id, as registered at the coordinator");
    public static final Setting<String> COORDINATOR_ID = Setting.withDefault("core.coordinator-id", "coord-1", s -> Limits.checkId("core.coordinator-id", s),
            "the node id of the coordinator at rpc.coordinator; transactions of a coordinator not configured are refused");
    public static final Setting<String> REPLICA_ID = Setting.optional("core.replica-id", s -> Limits.checkId("core.replica-id", s),
            "this node's replica id when the shard is replicated (rpc.replica entries); absent: one replica, no Raft");
    public static final Setting<Boolean> REPLICA_BOOTSTRAP = Setting.withDefault("core.replica-bootstrap", "false",
            ParticipantSettings::parseBoolean, "true only for the first start of a new replicated cluster: an empty data "
                    + "directory then starts the group if no other replica holds a log; otherwise (and by default) a replica "
                    + "that finds its directory empty joins as a new incarnation, replacing its old one");
    public static final Setting<Long> LOCK_WAIT_MAX_MS = Setting.longAtLeast("core.lock-wait-max-ms",
            LOCK_WAIT_MAX_MS_DEFAULT, 1, "longest wait for a lock");
    public static final Setting<Long> OUTCOME_RETENTION_MS = Setting.longAtLeast("core.outcome-retention-ms",
            OUTCOME_RETENTION_MS_DEFAULT, 1, "how long outcomes are kept; keep it longer than any transaction lives "
                    + "(the coordinators' longest timeout plus answer grace): a later call of a transaction at or below "
                    + "the swept ones is refused as stale, and peers asking about it hear UNKNOWN");
    public static final Setting<Long> IN_DOUBT_POLL_BASE_MS = Setting.longAtLeast("core.in-doubt-poll-base-ms",
            IN_DOUBT_POLL_BASE_MS_DEFAULT, 1, "first in-doubt poll backoff");
    public static final Setting<Long> IN_DOUBT_POLL_MAX_MS = Setting.longAtLeast("core.in-doubt-poll-max-ms",
            IN_DOUBT_POLL_MAX_MS_DEFAULT, 1, "cap of the in-doubt poll backoff");
    public static final Setting<Long> PEER_ASK_AFTER_MS = Setting.longAtLeast("core.peer-ask-after-ms",
            PEER_ASK_AFTER_MS_DEFAULT, 0, "how long the coordinator must be unreachable before in-doubt branches ask their peers");
    public static final Setting<Integer> EVENT_QUEUE_MAX = Setting.intIn("core.event-queue-max", 10_000, 16, 10_000_000,
            "events waiting for the core's thread; beyond it requests get Unavailable");
    public static final Setting<Endpoint> LISTEN = Setting.withDefault("rpc.listen", "127.0.0.1:0", Endpoint::parse,
            "host:port to serve on (port 0 = any)");
    public static final Setting<Endpoint> COORDINATOR = Setting.required("rpc.coordinator", Endpoint::parse, "coordinator host:port");
    public static final Entries<Endpoint> COORDINATORS = new Entries<>("rpc.coordinators", Endpoint::parse,
            "another coordinator this participant serves, id=host:port (several run at once; each asks about its own transactions)");
    public static final Entries<Endpoint> PEERS = new Entries<>("rpc.peer", Endpoint::parse,
            "another participant, id=host:port; asked when the coordinator is away");
    public static final Entries<ParticipantConfig.Replica> REPLICAS = new Entries<>("rpc.replica", ParticipantConfig.Replica::parse,
            "a replica of this replicated shard, id=raftHost:port/rpcHost:port (Raft's address, then its node's rpc.listen)");
    public static final Setting<Long> COORDINATOR_CALL_MS = Setting.longAtLeast("rpc.coordinator-call-ms", 5_000, 1,
            "deadline of one enlist or status call to the coordinator");
    public static final Setting<Integer> WORKERS_MAX = Setting.intIn("rpc.workers-max", ServerLimits.DEFAULT_WORKERS, 1,
            ServerLimits.WORKERS_MAX, "requests executed at once (idle connections hold none)");
    public static final Setting<Endpoint> METRICS = Setting.optional("rpc.metrics", Endpoint::parse,
            "host:port for HTTP /metrics and /health (port 0 = any); off if absent");
    public static final Setting<Long> COORDINATOR_LOST_AFTER_MS = Setting.longAtLeast("rpc.coordinator-lost-after-ms",
            5_000, 100, "/health answers 503 once every coordinator call has failed this long");
    public static final Setting<Path> OPERATOR_TOKEN_FILE = Setting.optional("rpc.operator-token-file", Path::of,
            "file holding the token an operator presents to Admin.resolve (one word, at least 16 characters); "
                    + "without it (and without TLS) resolve is refused");
    public static final Setting<Path> DATA_DIR = Setting.required("storage.data-dir", Path::of,
            "RocksDB directory (one per participant)");
    private static final ReplicationSettings R = ReplicationSettings.DEFAULTS;
    public static final Setting<Long> ELECTION_TIMEOUT_MIN_MS = Setting.longAtLeast("replication.election-timeout-min-ms",
            R.electionTimeoutMinMs(), 1, "a follower that hears no leader for a random time between this and "
                    + "replication.election-timeout-max-ms stands for election");
    public static final Setting<Long> ELECTION_TIMEOUT_MAX_MS = Setting.longAtLeast("replication.election-timeout-max-ms",
            R.electionTimeoutMaxMs(), 2, "see replication.election-timeout-min-ms; must be above it");
    public static final Setting<Long> WRITE_TIMEOUT_MS = Setting.longAtLeast("replication.write-timeout-ms", R.writeTimeoutMs(), 3,
            "a write the shard's group has not committed by then fails as unavailable; must outlast an election");
    public static final Setting<Long> WRITE_RETRY_SLEEP_MS = Setting.longAtLeast("replication.write-retry-sleep-ms",
            R.writeRetrySleepMs(), 1, "how long a new leader waits before it tries again to start its participant runtime");
    public static final Setting<Long> SNAPSHOT_EVERY_ENTRIES = Setting.longAtLeast("replication.snapshot-every-entries",
            R.snapshotEveryEntries(), 1, "a replica checkpoints its store after this many log entries since its last snapshot");
    public static final Setting<Long> LOG_SEGMENT_BYTES_MAX = Setting.longAtLeast("replication.log-segment-bytes-max",
            R.logSegmentBytesMax(), 1024, "a Raft log segment is closed at this size; only closed segments are purged");
    public static final Setting<Integer> LOG_PURGE_GAP_ENTRIES = Setting.intIn("replication.log-purge-gap-entries",
            R.logPurgeGapEntries(), 1, Integer.MAX_VALUE, "the log is purged up to a snapshot only once that frees this many entries");
    public static final Setting<Long> APPEND_GAP_MIN_US = Setting.longAtLeast("replication.append-gap-min-us", R.appendGapMinUs(), 0,
            "the leader sends a follower its next entries at least this long after its last append to it (0: at once)");
    public static final Setting<Long> COMMIT_LINGER_US = Setting.longAtLeast("replication.commit-linger-us", R.commitLingerUs(), 0,
            "at most " + ReplicationSettings.COMMIT_LINGER_US_MAX + ": how long a leader's phase-two commit waits to share a log entry with a later prepare");
    public static final Setting<Integer> LOG_QUEUE_MAX = Setting.intIn("storage.log-queue-max", 4_096, 16, 10_000_000,
            "Outputs waiting for the group-commit writer (backpressure beyond it)");
    public static final Setting<Integer> WAL_RECYCLED_FILES = Setting.intIn("storage.wal-recycled-files", WalRecycling.FILES_DEFAULT,
            0, WalRecycling.FILES_MAX, "freed write-ahead log files kept to overwrite in place, which makes a synced write cheaper (0: off)");
    public static final Setting<Integer> WAL_FILE_MIB = Setting.intIn("storage.wal-file-mib", (int) (WalRecycling.FILE_BYTES_DEFAULT >> 20),
            1, 4_096, "the write-ahead log rolls at this size; with recycling on, two such logs are written at each start");

    public static final ConfigSchema SCHEMA = new ConfigSchema("participant", Stream.of(
            List.of(PARTICIPANT_ID, COORDINATOR_ID, REPLICA_ID, REPLICA_BOOTSTRAP, LOCK_WAIT_MAX_MS, OUTCOME_RETENTION_MS, IN_DOUBT_POLL_BASE_MS,
                    IN_DOUBT_POLL_MAX_MS, PEER_ASK_AFTER_MS, EVENT_QUEUE_MAX, LISTEN, COORDINATOR, COORDINATOR_CALL_MS,
                    WORKERS_MAX),
            ServerSettings.ALL,
            TlsSettings.ALL,
            List.of(METRICS, COORDINATOR_LOST_AFTER_MS, OPERATOR_TOKEN_FILE, DATA_DIR, LOG_QUEUE_MAX, WAL_RECYCLED_FILES, WAL_FILE_MIB),
            List.of(ELECTION_TIMEOUT_MIN_MS, ELECTION_TIMEOUT_MAX_MS, WRITE_TIMEOUT_MS, WRITE_RETRY_SLEEP_MS, SNAPSHOT_EVERY_ENTRIES,
                    LOG_SEGMENT_BYTES_MAX, LOG_PURGE_GAP_ENTRIES, APPEND_GAP_MIN_US, COMMIT_LINGER_US)).<Setting<?>>flatMap(List::stream).toList(),
            List.of(COORDINATORS, PEERS, REPLICAS),
            Map.of("id", PARTICIPANT_ID.key()));

    private ParticipantSettings() {}

    public static ParticipantConfig config(ConfigValues v) {
        return new ParticipantConfig(
                new ParticipantConfig.Core(v.get(PARTICIPANT_ID), v.get(COORDINATOR_ID), v.get(LOCK_WAIT_MAX_MS),
                        v.get(OUTCOME_RETENTION_MS), v.get(IN_DOUBT_POLL_BASE_MS), v.get(IN_DOUBT_POLL_MAX_MS),
                        v.get(PEER_ASK_AFTER_MS), v.get(EVENT_QUEUE_MAX)),
                new ParticipantConfig.Rpc(v.get(LISTEN), v.get(COORDINATOR), v.get(COORDINATORS), v.get(PEERS), v.get(COORDINATOR_CALL_MS),
                        ServerSettings.limits(v, v.get(WORKERS_MAX)), RpcClientConfig.defaults(), v.get(METRICS), v.get(COORDINATOR_LOST_AFTER_MS),
                        v.get(OPERATOR_TOKEN_FILE), TlsSettings.files(v)),
                new ParticipantConfig.Storage(v.get(DATA_DIR), v.get(LOG_QUEUE_MAX),
                        new WalRecycling(v.get(WAL_RECYCLED_FILES), (long) v.get(WAL_FILE_MIB) << 20)),
                replication(v.get(REPLICA_ID), v.get(REPLICAS), v.get(REPLICA_BOOTSTRAP), replicationSettings(v)));
    }

    /** The replication.* keys; their checks against each other are {@link ReplicationSettings}'s. */
    private static ReplicationSettings replicationSettings(ConfigValues v) {
        return new ReplicationSettings(v.get(ELECTION_TIMEOUT_MIN_MS), v.get(ELECTION_TIMEOUT_MAX_MS), v.get(WRITE_TIMEOUT_MS),
                v.get(WRITE_RETRY_SLEEP_MS), v.get(SNAPSHOT_EVERY_ENTRIES), v.get(LOG_SEGMENT_BYTES_MAX),
                v.get(LOG_PURGE_GAP_ENTRIES), v.get(APPEND_GAP_MIN_US), v.get(COMMIT_LINGER_US), null);
    }

    private static boolean parseBoolean(String text) {
        Check.argument("true".equals(text) || "false".equals(text), "want true or false, got '%s'", text);
        return Boolean.parseBoolean(text);
    }

    private static ParticipantConfig.Replication replication(String replicaId, Map<String, ParticipantConfig.Replica> replicas,
                                                             boolean bootstrap, ReplicationSettings settings) {
        if (replicaId == null && replicas.isEmpty()) return null;
        Check.argument(replicaId != null && !replicas.isEmpty(),
                "a replicated shard needs both core.replica-id and rpc.replica entries (got %s and %s)", replicaId, replicas.keySet());
        return new ParticipantConfig.Replication(replicaId, replicas, settings, bootstrap);
    }
}
