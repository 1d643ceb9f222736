package dev.pledge.demo.launch;

import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.ReplicaSetClient;
import dev.pledge.rpc.RpcCaller;
import dev.pledge.rpc.RpcClient;
import dev.pledge.runtime.Clock;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.wire.Admin;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.InDoubtBranch;
import dev.pledge.wire.InDoubtRequest;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PingResponse;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Cheap questions to running nodes: are you up, and how many branches are in doubt. */
public final class ClusterProbe implements AutoCloseable {
    private static final long PROBE_DEADLINE_MS = 500;

    private final RpcClientConfig config;
    private final Map<Endpoint, RpcClient> clients = new ConcurrentHashMap<>();
    /** Replicas of a replicated participant: its Admin questions go to whichever leads. */
    private final Map<Endpoint, RpcCaller> replicaSets = new ConcurrentHashMap<>();

    /** Over plain TCP. */
    public ClusterProbe() {
        this(RpcClientConfig.defaults());
    }

    /** With {@code config}'s transport (TLS, if it has it); one attempt per question whatever it says. */
    public ClusterProbe(RpcClientConfig config) {
        this.config = config.withMaxAttempts(1);
    }

    /** The probe of {@code cluster}: with its operator's certificate when it speaks TLS. */
    public static ClusterProbe of(ProcessCluster cluster) {
        return new ClusterProbe(cluster.clientConfig(LocalCluster.TLS_OPERATOR, RpcClientConfig.defaults()));
    }

    /**
     * Asks a participant given by any of {@code replicas} (a replicated one's) whichever replica
     * leads it: its in-doubt branches and counters are the leader's. Ping still asks the replica named.
     */
    public ClusterProbe withReplicaSet(List<Endpoint> replicas) {
        ReplicaSetClient shared = new ReplicaSetClient(replicas, this::client, Clock.system());
        for (Endpoint e : replicas) replicaSets.put(e, shared);
        return this;
    }

    private RpcClient client(Endpoint e) {
        return clients.computeIfAbsent(e, ep -> new RpcClient(ep, config));
    }

    private RpcCaller caller(Endpoint e) {
        RpcCaller set = replicaSets.get(e);
        return set != null ? set : client(e);
    }

    public PingResponse pingCoordinator(Endpoint e) throws Exception {
        return client(e).call(Services.COORDINATOR, new Coordinator.Client.Factory(), (c, ms) -> c.ping(), PROBE_DEADLINE_MS);
    }

    /**
     * Whether a replica's ping answer is its shard leader's: a leader names its incarnation, a
     * follower (which runs no participant core) answers 0.
     */
    public static boolean leads(PingResponse replicaPing) {
        return replicaPing.getEpoch() > 0;
    }

    public PingResponse pingParticipant(Endpoint e) throws Exception {
        return client(e).call(Services.PARTICIPANT, new Participant.Client.Factory(), (c, ms) -> c.ping(), PROBE_DEADLINE_MS);
    }

    public List<InDoubtBranch> inDoubt(Endpoint e) throws Exception {
        return caller(e).call(Services.ADMIN, new Admin.Client.Factory(),
                (c, ms) -> c.listInDoubt(new InDoubtRequest(ms)), PROBE_DEADLINE_MS);
    }

    /** In-doubt branches with what peers said when last asked, and branches an operator forced (HEURISTIC_*). */
    public List<InDoubtBranch> inDoubtWithHeuristic(Endpoint e) throws Exception {
        return caller(e).call(Services.ADMIN, new Admin.Client.Factory(),
                (c, ms) -> c.listInDoubt(new InDoubtRequest(ms).setIncludeHeuristic(true)), PROBE_DEADLINE_MS);
    }

    /** The node's counters (Admin stats): a coordinator's or a participant's. */
    public Map<String, Long> stats(Endpoint e) throws Exception {
        return caller(e).call(Services.ADMIN, new Admin.Client.Factory(), (c, ms) -> c.stats(), PROBE_DEADLINE_MS).getCounters();
    }

    /** Branches in doubt over all {@code participants}; -1 if any of them did not answer. */
    public long inDoubtTotal(List<Endpoint> participants) {
        long total = 0;
        for (Endpoint e : participants) {
            try {
                total += inDoubt(e).size();
            } catch (Exception ex) {
                return -1;
            }
        }
        return total;
    }

    /** Counter {@code name} of Admin stats summed over {@code nodes}; -1 if any of them did not answer. */
    public long counterTotal(List<Endpoint> nodes, String name) {
        long total = 0;
        for (Endpoint e : nodes) {
            try {
                total += stats(e).getOrDefault(name, 0L);
            } catch (Exception ex) {
                return -1;
            }
        }
        return total;
    }

    @Override
    public void close() {
        clients.values().forEach(RpcClient::close);
    }
}
