package dev.pledge.client;

import dev.pledge.core.Check;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.ReplicaSetClient;
import dev.pledge.rpc.RpcCaller;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.runtime.Clock;
import dev.pledge.wire.Participant;
import dev.pledge.tls.ExpectedServer;
import dev.pledge.tls.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.thrift.TException;

/**
 * The participants one client calls: a pooled {@link RpcClient} per endpoint, and the node id at
 * each, asked once with ping when first needed (a coordinator answers status from the votes of
 * participants named by id). Calls to an endpoint follow a leader hint: the endpoint may be one
 * replica of a replicated participant, and another one leads it. Where the application named the
 * participant's replica set, a call also tries the set's other replicas when the one named is down.
 */
final class ParticipantClients implements AutoCloseable {
    /** Distinct participant endpoints one client talks to; a bound on its connections and memory. */
    static final int ENDPOINTS_MAX = 1024;
    private static final Participant.Client.Factory PARTICIPANT = new Participant.Client.Factory();

    private final RpcClientConfig rpcConfig;
    private final Clock time;
    private final Random random;
    private final Map<Endpoint, RpcClient> clients = new ConcurrentHashMap<>();
    /** Bounded as {@link #clients} is: one per endpoint the application names. */
    private final Map<Endpoint, ReplicaSetClient> callers = new ConcurrentHashMap<>();
    /** Bounded as {@link #clients} is: only endpoints that have a client are asked. */
    private final Map<Endpoint, String> nodeIds = new ConcurrentHashMap<>();

    /** Each replica of a replicated participant the application named, to every replica of its set. */
    private final Map<Endpoint, List<Endpoint>> replicaSets;

    ParticipantClients(RpcClientConfig rpcConfig, Clock time, Random random, Map<Endpoint, List<Endpoint>> replicaSets) {
        this.rpcConfig = ExpectedServer.dialling(rpcConfig, Role.PARTICIPANT, null); // an endpoint's id is learned later
        this.time = time;
        this.random = random;
        this.replicaSets = Map.copyOf(replicaSets);
    }

    RpcClient client(Endpoint endpoint) {
        RpcClient existing = clients.get(endpoint);
        if (existing != null) return existing;
        Check.state(clients.size() < ENDPOINTS_MAX,
                "more than %s participant endpoints; is an endpoint built per call?", ENDPOINTS_MAX);
        return clients.computeIfAbsent(endpoint, e -> new RpcClient(e, rpcConfig, time, random));
    }

    /** Calls the participant at {@code endpoint}, or the replica that leads it if that one names another. */
    RpcCaller caller(Endpoint endpoint) {
        ReplicaSetClient existing = callers.get(endpoint);
        if (existing != null) return existing;
        client(endpoint);
        return callers.computeIfAbsent(endpoint, e -> new ReplicaSetClient(replicasFrom(e), this::client, time));
    }

    /** {@code endpoint} first, then the other replicas of its set, if the application named one. */
    private List<Endpoint> replicasFrom(Endpoint endpoint) {
        List<Endpoint> set = replicaSets.get(endpoint);
        if (set == null) return List.of(endpoint);
        List<Endpoint> ordered = new ArrayList<>(List.of(endpoint));
        for (Endpoint e : set) if (!e.equals(endpoint)) ordered.add(e);
        return ordered;
    }

    /** The node id of the participant at {@code endpoint}: asked with ping the first time, then remembered. */
    String nodeId(Endpoint endpoint, long timeoutMs) throws TException {
        String known = nodeIds.get(endpoint);
        if (known != null) return known;
        // Any replica answers ping with the participant's id, so one that is down costs nothing here either.
        String nodeId = caller(endpoint).call(Services.PARTICIPANT, PARTICIPANT, (c, remainingMs) -> c.ping(), timeoutMs)
                .getNodeId();
        nodeIds.put(endpoint, nodeId);
        return nodeId;
    }

    @Override
    public void close() {
        clients.values().forEach(RpcClient::close);
        clients.clear();
        callers.clear();
    }
}
