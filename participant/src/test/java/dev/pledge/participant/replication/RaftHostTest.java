package dev.pledge.participant.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pledge.core.TxId;
import dev.pledge.participant.protocol.Key;
import dev.pledge.participant.protocol.Record;
import dev.pledge.participant.protocol.Write;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three machines in one JVM, each one Raft server hosting a replica of shards A and C over loopback gRPC. */
@Timeout(90)
class RaftHostTest {
    private static final List<String> MACHINES = List.of("m1", "m2", "m3");
    private static final List<String> SHARDS = List.of("A", "C");
    private static final Duration AGREE_MAX = Duration.ofSeconds(30);

    @TempDir
    Path root;
    private final Map<String, InetSocketAddress> raft = new LinkedHashMap<>();
    private final Map<String, RaftHost> running = new LinkedHashMap<>();
    private final Map<String, Map<String, ShardReplica>> replicas = new LinkedHashMap<>();

    @BeforeEach
    void startMachines() throws Exception {
        for (String m : MACHINES) raft.put(m, new InetSocketAddress(InetAddress.getLoopbackAddress().getHostAddress(), LoopbackPorts.free()));
        for (String m : MACHINES) start(m);
    }

    @AfterEach
    void stopMachines() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (RaftHost h : running.values()) closing.add(CompletableFuture.runAsync(() -> close(h)));
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).join();
    }

    @Test
    void everyShardIsAGroupOfTheMachinesOnOneRaftPortEach() throws Exception {
        for (String shard : SHARDS) write(shard, 1);

        for (String shard : SHARDS) awaitEveryMachineHolds(shard, 1);
        for (String m : MACHINES) {
            assertThat(Files.list(root.resolve(m).resolve(RaftHost.RAFT_DIR)).filter(Files::isDirectory).count())
                    .as("%s keeps one Raft directory per shard under its one server", m).isEqualTo(SHARDS.size());
        }
    }

    @Test
    void aMachineRestartedOnItsDiskReloadsEveryShardAndCatchesUp() throws Exception {
        for (String shard : SHARDS) write(shard, 1);
        for (String shard : SHARDS) awaitEveryMachineHolds(shard, 1);
        String away = "m3";
        close(running.remove(away));

        for (String shard : SHARDS) write(shard, 2);
        start(away);

        for (String shard : SHARDS) awaitEveryMachineHolds(shard, 2);
    }

    @Test
    void aNodeForAShardTheMachineDoesNotHostIsRefused() {
        ShardGroup other = new ShardGroup("B", raft);
        assertThatThrownBy(() -> running.get("m1").replica(other, ShardLeadership.IGNORED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("machine m1 does not host shard B");
    }

    private void start(String machine) throws IOException {
        List<ShardGroup> groups = SHARDS.stream().map(s -> new ShardGroup(s, raft)).toList();
        RaftHost host = new RaftHost(machine, root.resolve(machine), ThreeReplicas.FAST, groups);
        Map<String, ShardReplica> mine = new LinkedHashMap<>();
        for (ShardGroup g : groups) mine.put(g.shardId(), host.replica(g, ShardLeadership.IGNORED));
        host.start(false);
        running.put(machine, host);
        replicas.put(machine, mine);
    }

    /** Writes batch {@code n} to {@code shard} as its leader's core would; sent again if a leader change left it in doubt. */
    private void write(String shard, int n) throws Exception {
        await().atMost(AGREE_MAX).ignoreExceptions().until(() -> {
            ShardReplica leader = replicas.get(leaderOf(shard)).get(shard);
            try (ReplicatedLogStore log = ReplicatedLogStore.open(leader, ThreeReplicas.FAST, leader.term())) {
                log.write(batch(n), true);
            }
            return true;
        });
    }

    private String leaderOf(String shard) throws IOException {
        for (String m : running.keySet()) if (replicas.get(m).get(shard).isLeader()) return m;
        throw new IllegalStateException("shard " + shard + " has no leader yet");
    }

    private void awaitEveryMachineHolds(String shard, int n) {
        await().atMost(AGREE_MAX).ignoreExceptionsInstanceOf(IllegalStateException.class).untilAsserted(() -> {
            for (String m : running.keySet()) {
                assertThat(ThreeReplicas.contents(replicas.get(m).get(shard).storeView())).as("%s's replica of %s", m, shard)
                        .contains(new Record.Concluded(tx(n), Record.Final.COMMITTED, n));
            }
        });
    }

    private static List<Record> batch(int n) {
        return List.of(new Record.Incarnation(n + 1), new Record.Applied(tx(n), List.of(write(n)), n));
    }

    private static Write write(int n) {
        return Write.put(Key.utf8("student-" + n), ("enrolled-" + n).getBytes(StandardCharsets.UTF_8));
    }

    private static TxId tx(long sequence) {
        return new TxId("coord-1", 1, sequence);
    }

    private static void close(RaftHost h) {
        try {
            h.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
