package dev.pledge.it;

import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.participant.ParticipantNode;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.participant.config.ReplicationSettings;
import dev.pledge.rpc.Endpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One participant run as a replicated shard in this JVM: a node per replica, each with Raft over
 * loopback gRPC, Thrift over loopback and its own RocksDB. Only the leader's node serves.
 */
public final class InJvmShard implements AutoCloseable {
    /** Short elections for a suite, long enough that a loaded two-core machine keeps its leader. */
    public static final ReplicationSettings FAST = new ReplicationSettings(300, 600, 3_000, 20, 10_000, 8L * 1024 * 1024, 1024);

    private final String id;
    private final Map<String, ParticipantConfig.Replica> replicas = new LinkedHashMap<>();
    private final Map<String, ParticipantNode> running = new ConcurrentHashMap<>();

    public InJvmShard(String id, List<String> replicaIds) {
        this.id = id;
        for (String r : replicaIds) {
            replicas.put(r, new ParticipantConfig.Replica(new Endpoint("127.0.0.1", LocalCluster.freePort("127.0.0.1")),
                    new Endpoint("127.0.0.1", LocalCluster.freePort("127.0.0.1"))));
        }
    }

    public String id() {
        return id;
    }

    public List<String> replicaIds() {
        return List.copyOf(replicas.keySet());
    }

    /** Every replica's Thrift address, as the coordinator's registry lists them. */
    public List<Endpoint> endpoints() {
        return replicas.values().stream().map(ParticipantConfig.Replica::rpc).toList();
    }

    public Endpoint endpoint(String replicaId) {
        return replicas.get(replicaId).rpc();
    }

    /** Starts {@code replicaId} from {@code base} (coordinator, peers, tuning), in {@code dataDir}. */
    void start(String replicaId, ParticipantConfig base, Path dataDir) throws IOException {
        ParticipantConfig config = ParticipantConfig.defaults(id, endpoint(replicaId), dataDir, base.rpc().coordinator())
                .withCoordinatorId(base.core().coordinatorId())
                .withPeers(base.rpc().peers())
                .withReplication(new ParticipantConfig.Replication(replicaId, replicas, FAST, true));
        running.put(replicaId, new ParticipantNode(config).start());
    }

    /** The replica whose node serves now, or null while none does. */
    public String leader() {
        List<String> serving = running.entrySet().stream().filter(e -> e.getValue().serving()).map(Map.Entry::getKey).toList();
        return serving.size() == 1 ? serving.get(0) : null;
    }

    public ParticipantNode node(String replicaId) {
        return running.get(replicaId);
    }

    /** Stops these replicas' nodes together (a Ratis server takes seconds to close its channels). */
    public void stop(String... replicaIds) {
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        for (String r : replicaIds) {
            ParticipantNode n = running.remove(r);
            if (n != null) stopping.add(CompletableFuture.runAsync(n::close));
        }
        CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).join();
    }

    @Override
    public void close() {
        stop(running.keySet().toArray(String[]::new));
    }
}
