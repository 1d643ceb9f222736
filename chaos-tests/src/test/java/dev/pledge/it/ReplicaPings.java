package dev.pledge.it;

import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Kv;
import dev.pledge.wire.Participant;
import dev.pledge.wire.TxContext;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.pledge.it.KvProbe.bytes;
import static org.awaitility.Awaitility.await;

/** Which replica process of a replicated participant serves, asked by pinging each replica's Thrift port. */
final class ReplicaPings implements AutoCloseable {
    private static final long PING_DEADLINE_MS = 300;

    private final LocalCluster cluster;
    private final String participantId;
    private final Map<String, RpcClient> clients = new ConcurrentHashMap<>();

    ReplicaPings(LocalCluster cluster, String participantId) {
        this.cluster = cluster;
        this.participantId = participantId;
    }

    /** The replica that serves (its ping names an incarnation), once there is one and it is not {@code not}. */
    String awaitLeaderOtherThan(String not, Duration atMost) {
        return await().atMost(atMost).pollInterval(Duration.ofMillis(5)).until(() -> leaderOtherThan(not), name -> name != null);
    }

    /** The replica that serves now other than {@code not}, or null. */
    String leaderOtherThan(String not) {
        for (String name : cluster.replicaNames(participantId)) {
            if (!name.equals(not) && epoch(name) > 0) return name;
        }
        return null;
    }

    /** The incarnation replica {@code name} serves as, 0 while it does not lead, -1 when it does not answer. */
    long epoch(String name) {
        Endpoint at = cluster.endpoint(name);
        RpcClient c = clients.computeIfAbsent(name, n -> new RpcClient(at, RpcClientConfig.defaults().withMaxAttempts(1)));
        try {
            return c.call(Services.PARTICIPANT, new Participant.Client.Factory(), (p, ms) -> p.ping(), PING_DEADLINE_MS).getEpoch();
        } catch (Exception unreachable) {
            return -1;
        }
    }

    /** A read for a fresh transaction at replica {@code name}, one attempt: its answer, or what it threw. */
    Object readAt(String name, PledgeClient client, long deadlineMs) {
        try (RpcClient c = new RpcClient(cluster.endpoint(name), RpcClientConfig.defaults().withMaxAttempts(1));
             Transaction tx = client.begin(Duration.ofSeconds(20))) {
            return c.call(Services.KV, new Kv.Client.Factory(), (k, ms) ->
                    k.get(new TxContext(Wire.toWire(tx.id()), 1, ms), ByteBuffer.wrap(bytes("student:7"))), deadlineMs);
        } catch (Exception refused) {
            return refused;
        }
    }

    @Override
    public void close() {
        clients.values().forEach(RpcClient::close);
    }
}
