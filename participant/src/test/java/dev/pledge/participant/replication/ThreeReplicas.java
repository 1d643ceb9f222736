package dev.pledge.participant.replication;

import dev.pledge.participant.config.ReplicationSettings;
import static org.awaitility.Awaitility.await;

import dev.pledge.participant.storage.ParticipantLayout;
import dev.pledge.runtime.KvView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.util.FileUtils;

/** A shard of three real replicas on loopback ports, each with its own data directory, in one JVM. */
final class ThreeReplicas implements AutoCloseable {
    static final List<String> IDS = List.of("r1", "r2", "r3");
    /**
     * Raft timeouts short enough for a fast suite but long enough for a loaded two-core machine (a
     * starved leader must not lose its lease every second), and frequent snapshots in tiny log segments.
     */
    static final ReplicationSettings FAST = new ReplicationSettings(300, 600, 3_000, 20, 8, 1024, 1);
    private static final Duration LEADER_WAIT_MAX = Duration.ofSeconds(20);
    private static final Duration JOIN_WAIT_MAX = Duration.ofSeconds(60);

    final ShardGroup group;
    private final Path root;
    private final Map<String, ReplicaStartup> running = new LinkedHashMap<>();

    ThreeReplicas(Path root) throws IOException {
        this.root = root;
        Map<String, InetSocketAddress> replicas = new LinkedHashMap<>();
        for (String id : IDS) replicas.put(id, new InetSocketAddress(InetAddress.getLoopbackAddress().getHostAddress(), LoopbackPorts.free()));
        this.group = new ShardGroup("C", replicas);
        // The first start of a new cluster: all three bootstrap, each once the other two answered.
        for (String id : IDS) running.put(id, ReplicaStartup.begin(group, id, root.resolve(id), FAST, true));
        awaitLeader();
    }

    /**
     * Waits until a running replica leads and has applied the first entry of its term, so a test
     * starts from a group that can commit: as a node opens its writer only then, a leader that is
     * not ready yet refuses writes.
     */
    void awaitLeader() {
        await().atMost(LEADER_WAIT_MAX).until(() -> {
            String leader = leaderId();
            return leader != null && replica(leader).isLeaderReady();
        });
    }

    /** Starts (or restarts) a replica of the running group, and waits until it is a member again. */
    void start(String id) {
        begin(id).joined().orTimeout(JOIN_WAIT_MAX.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** Starts (or restarts) a replica of the running group; it may still be waiting to join when this returns. */
    ReplicaStartup begin(String id) {
        ReplicaStartup s = ReplicaStartup.begin(group, id, root.resolve(id), FAST, false);
        running.put(id, s);
        return s;
    }

    Path dataDir(String id) {
        return root.resolve(id);
    }

    /** Stops these replicas together: a Ratis server takes seconds to close its gRPC channels, so one at a time would add up. */
    void stop(String... ids) throws IOException {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (String id : ids) {
            ReplicaStartup r = running.remove(id);
            closing.add(CompletableFuture.runAsync(() -> {
                try {
                    r.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).join();
    }

    void wipe(String id) throws IOException {
        FileUtils.deleteFully(root.resolve(id));
    }

    ShardReplica replica(String id) {
        return running.get(id).started().join();
    }

    List<String> runningIds() {
        return List.copyOf(running.keySet());
    }

    String leaderId() throws IOException {
        for (Map.Entry<String, ReplicaStartup> e : running.entrySet()) {
            ShardReplica r = e.getValue().replica();
            if (r != null && r.isLeader()) return e.getKey();
        }
        return null;
    }

    /** What a store holds, comparably: its records as the participant reads them back, and its data. */
    static List<Object> contents(KvView store) {
        List<Object> out = new ArrayList<>();
        try {
            out.addAll(ParticipantLayout.INSTANCE.read(store));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HexFormat hex = HexFormat.of();
        store.forEach(ParticipantLayout.DATA, (k, v) -> out.add("data " + hex.formatHex(k) + "=" + hex.formatHex(v)));
        return out;
    }

    @Override
    public void close() throws IOException {
        stop(runningIds().toArray(String[]::new));
    }
}
