package dev.pledge.participant.config;

import dev.pledge.core.Check;
import dev.pledge.core.config.ConfigValues;
import dev.pledge.participant.protocol.CoreConfig;
import dev.pledge.participant.storage.WalRecycling;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.ServerLimits;
import dev.pledge.tls.TlsFiles;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a participant node needs, immutable and validated on construction, in three
 * sections, and a fourth for a replicated shard ({@code replication}; null for one replica on one
 * disk, the default). Its keys and defaults are defined once, in {@link ParticipantSettings};
 * {@link #defaults} goes through them too.
 */
public record ParticipantConfig(Core core, Rpc rpc, Storage storage, Replication replication) {

    /**
     * What the protocol core and its event loop need.
     *
     * @param coordinatorId      the node id of the coordinator at {@link Rpc#coordinator()}
     * @param lockWaitMaxMs      longest a transaction waits for a lock before its branch aborts
     * @param outcomeRetentionMs how long OUTCOME records answer repeats and peers
     * @param inDoubtPollBaseMs  first backoff step when asking the coordinator about an in-doubt branch
     * @param inDoubtPollMaxMs   cap of that backoff
     * @param peerAskAfterMs     how long the coordinator must be unreachable before in-doubt branches ask peers
     * @param eventQueueMax      bound on events waiting for the core's thread; beyond it requests get Unavailable
     */
    public record Core(String participantId, String coordinatorId, long lockWaitMaxMs, long outcomeRetentionMs,
                       long inDoubtPollBaseMs, long inDoubtPollMaxMs, long peerAskAfterMs, int eventQueueMax) {
        public Core {
            Check.argument(participantId != null && participantId.matches("[A-Za-z0-9._-]{1,64}"),
                    "participantId must be 1-64 of [A-Za-z0-9._-], was %s", participantId);
            Check.argument(coordinatorId != null && !coordinatorId.isBlank(), "coordinatorId is required");
            Check.argument(eventQueueMax >= 16, "eventQueueMax must be >= 16, was %s", eventQueueMax);
        }
    }

    /**
     * Addresses and the limits of calls.
     *
     * @param listen                 host and port to serve on (port 0 = any free port)
     * @param coordinator            the coordinator whose id is {@link Core#coordinatorId()}
     * @param moreCoordinators       other coordinators by id, running at the same time (distinct ids)
     * @param peers                  other participants by id, asked for cooperative termination when the coordinator is away
     * @param coordinatorCallMs      deadline of one enlist or status call to the coordinator
     * @param server                 what the RPC server's connections may take (workers, connections, buffers, timeouts)
     * @param metrics                where /metrics and /health are served; null for none
     * @param coordinatorLostAfterMs /health reports the coordinator lost after this long without a successful call
     * @param operatorTokenFile      the token Admin.resolve must present; null: only an operator certificate may (TLS)
     * @param tls                    this node's TLS files; null for plain TCP
     */
    public record Rpc(Endpoint listen, Endpoint coordinator, Map<String, Endpoint> moreCoordinators,
                      Map<String, Endpoint> peers, long coordinatorCallMs, ServerLimits server, RpcClientConfig client,
                      Endpoint metrics, long coordinatorLostAfterMs, Path operatorTokenFile, TlsFiles tls) {
        public Rpc {
            Check.notNull(listen, "listen");
            Check.notNull(coordinator, "coordinator");
            moreCoordinators = Map.copyOf(Check.notNull(moreCoordinators, "moreCoordinators"));
            peers = Map.copyOf(Check.notNull(peers, "peers"));
            Check.argument(coordinatorCallMs > 0, "coordinatorCallMs must be > 0, was %s", coordinatorCallMs);
            Check.notNull(server, "server");
            Check.notNull(client, "client");
        }
    }

    /**
     * @param logQueueMax bound on Outputs waiting for the group-commit writer (backpressure beyond it)
     * @param walRecycling how the unreplicated store reuses its log files (a replicated shard's store
     *        writes unsynced behind its Raft log and never recycles)
     */
    public record Storage(Path dataDir, int logQueueMax, WalRecycling walRecycling) {
        public Storage {
            Check.notNull(dataDir, "dataDir");
            Check.argument(logQueueMax >= 16, "logQueueMax must be >= 16, was %s", logQueueMax);
            Check.notNull(walRecycling, "walRecycling");
        }
    }

    /**
     * This node's replica of a replicated shard: the shard is the participant, its Raft group's
     * replicas run on the nodes named here, and only the one that leads serves.
     *
     * @param selfId   this node's replica id
     * @param replicas every replica of the shard (this one included) by id
     * @param settings the group's timeouts, log and snapshots
     * @param bootstrap this may be the first start of a new cluster: on an empty data directory, and
     *                  only if every other replica answers that it holds no log, this replica starts
     *                  the group instead of joining it as a new incarnation (see ShardJoin)
     */
    public record Replication(String selfId, Map<String, Replica> replicas, ReplicationSettings settings, boolean bootstrap) {
        public Replication {
            Check.argument(selfId != null && selfId.matches("[A-Za-z0-9._-]{1,64}"), "replica id must be 1-64 of [A-Za-z0-9._-], was %s", selfId);
            replicas = Collections.unmodifiableMap(new TreeMap<>(Check.notNull(replicas, "replicas")));
            Check.argument(replicas.containsKey(selfId), "replica %s is not among the shard's replicas %s", selfId, replicas.keySet());
            Check.notNull(settings, "settings");
        }

        /** Every replica's Thrift address, in replica id order: what clients and coordinators call. */
        public List<Endpoint> rpcEndpoints() {
            return replicas.values().stream().map(Replica::rpc).toList();
        }
    }

    /**
     * One replica's two addresses.
     *
     * @param raft where its Raft server listens (gRPC), for the other replicas
     * @param rpc  where its node serves Thrift, for clients, coordinators and peers (a follower answers with a leader hint)
     */
    public record Replica(Endpoint raft, Endpoint rpc) {
        public Replica {
            Check.notNull(raft, "raft");
            Check.notNull(rpc, "rpc");
        }

        /** The text form {@code raftHost:port/rpcHost:port}. */
        public static Replica parse(String text) {
            int slash = Check.notNull(text, "text").indexOf('/');
            Check.argument(slash > 0, "not a replica (want raftHost:port/rpcHost:port): '%s'", text);
            return new Replica(Endpoint.parse(text.substring(0, slash)), Endpoint.parse(text.substring(slash + 1)));
        }

        @Override
        public String toString() {
            return raft + "/" + rpc;
        }
    }

    public ParticipantConfig {
        Check.notNull(core, "core");
        Check.notNull(rpc, "rpc");
        Check.notNull(storage, "storage");
        coreConfig(core); // validates the protocol limits
        metrics(rpc);
        Endpoint again = rpc.moreCoordinators().get(core.coordinatorId());
        Check.argument(again == null || again.equals(rpc.coordinator()),
                "coordinator %s is configured at %s and at %s", core.coordinatorId(), rpc.coordinator(), again);
    }

    /** Every coordinator this participant serves, by node id: {@code rpc.coordinator} first, then the others by id. */
    public Map<String, Endpoint> coordinators() {
        Map<String, Endpoint> all = new LinkedHashMap<>();
        all.put(core.coordinatorId(), rpc.coordinator());
        new TreeMap<>(rpc.moreCoordinators()).forEach(all::putIfAbsent);
        return Collections.unmodifiableMap(all);
    }

    public static ParticipantConfig defaults(String participantId, Endpoint listen, Path dataDir, Endpoint coordinator) {
        Map<String, String> given = new HashMap<>();
        given.put(ParticipantSettings.PARTICIPANT_ID.key(), participantId);
        given.put(ParticipantSettings.LISTEN.key(), listen.toString());
        given.put(ParticipantSettings.DATA_DIR.key(), dataDir.toString());
        given.put(ParticipantSettings.COORDINATOR.key(), coordinator.toString());
        return ParticipantSettings.config(ConfigValues.of(ParticipantSettings.SCHEMA, given));
    }

    public CoreConfig coreConfig() {
        return coreConfig(core);
    }

    /** Where and how /metrics and /health are served, or null when they are not. */
    public MetricsConfig metrics() {
        return metrics(rpc);
    }

    private static MetricsConfig metrics(Rpc rpc) {
        return rpc.metrics() == null ? null : new MetricsConfig(rpc.metrics(), rpc.coordinatorLostAfterMs());
    }

    private static CoreConfig coreConfig(Core c) {
        CoreConfig d = CoreConfig.defaults(c.participantId());
        return new CoreConfig(c.participantId(), c.lockWaitMaxMs(), c.outcomeRetentionMs(), c.inDoubtPollBaseMs(),
                c.inDoubtPollMaxMs(), d.maxBranches(), d.maxWaitsPerBranch(), d.enlistWaitMaxMs(), c.peerAskAfterMs());
    }

    public ParticipantConfig withCoordinatorId(String v) {
        return new ParticipantConfig(new Core(core.participantId(), v, core.lockWaitMaxMs(), core.outcomeRetentionMs(),
                core.inDoubtPollBaseMs(), core.inDoubtPollMaxMs(), core.peerAskAfterMs(), core.eventQueueMax()), rpc, storage, replication);
    }

    public ParticipantConfig withLockWaitMaxMs(long v) {
        return new ParticipantConfig(new Core(core.participantId(), core.coordinatorId(), v, core.outcomeRetentionMs(),
                core.inDoubtPollBaseMs(), core.inDoubtPollMaxMs(), core.peerAskAfterMs(), core.eventQueueMax()), rpc, storage, replication);
    }

    public ParticipantConfig withInDoubtPollMs(long baseMs, long maxMs) {
        return new ParticipantConfig(new Core(core.participantId(), core.coordinatorId(), core.lockWaitMaxMs(),
                core.outcomeRetentionMs(), baseMs, maxMs, core.peerAskAfterMs(), core.eventQueueMax()), rpc, storage, replication);
    }

    /** The RPC server's limits: workers, connections, buffered bytes and timeouts. */
    public ParticipantConfig withServerLimits(ServerLimits v) {
        return new ParticipantConfig(core, new Rpc(rpc.listen(), rpc.coordinator(), rpc.moreCoordinators(), rpc.peers(),
                rpc.coordinatorCallMs(), v, rpc.client(), rpc.metrics(), rpc.coordinatorLostAfterMs(),
                rpc.operatorTokenFile(), rpc.tls()), storage, replication);
    }

    public ParticipantConfig withRpcClient(RpcClientConfig v) {
        return new ParticipantConfig(core, new Rpc(rpc.listen(), rpc.coordinator(), rpc.moreCoordinators(), rpc.peers(),
                rpc.coordinatorCallMs(), rpc.server(), v, rpc.metrics(), rpc.coordinatorLostAfterMs(),
                rpc.operatorTokenFile(), rpc.tls()), storage, replication);
    }

    /** Other coordinators by id, served besides the one at {@link Rpc#coordinator()}. */
    public ParticipantConfig withMoreCoordinators(Map<String, Endpoint> v) {
        return new ParticipantConfig(core, new Rpc(rpc.listen(), rpc.coordinator(), v, rpc.peers(),
                rpc.coordinatorCallMs(), rpc.server(), rpc.client(), rpc.metrics(), rpc.coordinatorLostAfterMs(),
                rpc.operatorTokenFile(), rpc.tls()), storage, replication);
    }

    /** Admin.resolve is allowed to callers presenting the token in {@code v}. */
    public ParticipantConfig withOperatorTokenFile(Path v) {
        return new ParticipantConfig(core, new Rpc(rpc.listen(), rpc.coordinator(), rpc.moreCoordinators(), rpc.peers(),
                rpc.coordinatorCallMs(), rpc.server(), rpc.client(), rpc.metrics(), rpc.coordinatorLostAfterMs(), v, rpc.tls()), storage, replication);
    }

    public ParticipantConfig withPeers(Map<String, Endpoint> v) {
        return new ParticipantConfig(core, new Rpc(rpc.listen(), rpc.coordinator(), rpc.moreCoordinators(), v,
                rpc.coordinatorCallMs(), rpc.server(), rpc.client(), rpc.metrics(), rpc.coordinatorLostAfterMs(),
                rpc.operatorTokenFile(), rpc.tls()), storage, replication);
    }

    /** This node as one replica of a replicated shard; null for an unreplicated participant. */
    public ParticipantConfig withReplication(Replication v) {
        return new ParticipantConfig(core, rpc, storage, v);
    }

    /** TLS on every link with these files; null for plain TCP. */
    public ParticipantConfig withTls(TlsFiles v) {
        return new ParticipantConfig(core, new Rpc(rpc.listen(), rpc.coordinator(), rpc.moreCoordinators(), rpc.peers(),
                rpc.coordinatorCallMs(), rpc.server(), rpc.client(), rpc.metrics(), rpc.coordinatorLostAfterMs(),
                rpc.operatorTokenFile(), v), storage, replication);
    }
}
