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
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.util.FileUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three machines in one JVM, each one Raft server hosting a replica of shards A and C over loopback gRPC. */
@Timeout(120)
class RaftHostTest {
    private static final List<String> MACHINES = List.of("m1", "m2", "m3");
    private static final List<String> SHARDS = List.of("A", "C");
    private static final Duration AGREE_MAX = Duration.ofSeconds(30);
    private static final Duration JOIN_MAX = Duration.ofSeconds(60);

    @TempDir
    Path root;
    private final Map<String, InetSocketAddress> raft = new LinkedHashMap<>();
    private final Map<String, RaftHost> running = new ConcurrentHashMap<>();
    private final Map<String, Map<String, ShardReplica>> replicas = new ConcurrentHashMap<>();

    @BeforeEach
    void startMachines() throws Exception {
        for (String m : MACHINES) raft.put(m, new InetSocketAddress(InetAddress.getLoopbackAddress().getHostAddress(), LoopbackPorts.free()));
        // A new cluster's first start: each machine founds the groups only once the others answered, so all start together.
        List<CompletableFuture<Void>> starting = new ArrayList<>();
        for (String m : MACHINES) starting.add(CompletableFuture.runAsync(() -> start(m, true)));
        CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
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
        String away = "m3";
        stopOnceEveryMachineHoldsBatch1(away);

        for (String shard : SHARDS) write(shard, 2);
        start(away, false);

        for (String shard : SHARDS) awaitEveryMachineHolds(shard, 2);
        assertThat(running.get(away).identity()).isEqualTo(ReplicaIdentity.bootstrap(away));
    }

    /**
     * A machine back on an empty disk forgot its votes and its log, in every shard: it comes back
     * as a new incarnation, each group's leader replaces the old one by it, and its stores catch up.
     */
    @Test
    void aWipedMachineComesBackAsANewIncarnationInEveryGroupAndCatchesUp() throws Exception {
        String wiped = "m3";
        stopOnceEveryMachineHoldsBatch1(wiped);
        FileUtils.deleteFully(root.resolve(wiped));
        for (String shard : SHARDS) write(shard, 2);

        start(wiped, false);

        ReplicaIdentity joined = running.get(wiped).joined().get(JOIN_MAX.toSeconds(), TimeUnit.SECONDS);
        assertThat(joined.peerId()).startsWith(wiped + "#");
        assertThat(ReplicaIdentity.read(root.resolve(wiped))).contains(joined);
        for (String shard : SHARDS) {
            List<String> members = membersOf(shard);
            assertThat(members).as("shard %s's configuration", shard).contains(joined.peerId()).doesNotContain(wiped).hasSize(MACHINES.size());
            awaitEveryMachineHolds(shard, 2);
        }
    }

    /**
     * Wiped again right after it rejoined: every leader still sends to the first new incarnation at
     * the machine's address while it replaces it by the second; the second takes only what is
     * addressed to it ({@link AddressedGrpc}), catches up, and the replacement commits in every group.
     */
    @Test
    void aMachineWipedAgainRightAfterItRejoinedJoinsAgain() throws Exception {
        String wiped = "m3";
        stopOnceEveryMachineHoldsBatch1(wiped);
        FileUtils.deleteFully(root.resolve(wiped));
        start(wiped, false);
        ReplicaIdentity first = running.get(wiped).joined().get(JOIN_MAX.toSeconds(), TimeUnit.SECONDS);
        close(running.remove(wiped));
        FileUtils.deleteFully(root.resolve(wiped));
        for (String shard : SHARDS) write(shard, 2);

        start(wiped, false);

        ReplicaIdentity second = running.get(wiped).joined().get(JOIN_MAX.toSeconds(), TimeUnit.SECONDS);
        assertThat(second.peerId()).isNotEqualTo(first.peerId()).startsWith(wiped + "#");
        for (String shard : SHARDS) {
            assertThat(membersOf(shard)).as("shard %s's configuration", shard).contains(second.peerId())
                    .doesNotContain(first.peerId()).hasSize(MACHINES.size());
            awaitEveryMachineHolds(shard, 2);
        }
    }

    @Test
    void aNodeForAShardTheMachineDoesNotHostIsRefused() {
        ShardGroup other = new ShardGroup("B", raft);
        assertThatThrownBy(() -> running.get("m1").replica(other, ShardLeadership.IGNORED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("machine m1 does not host shard B");
    }

    private void stopOnceEveryMachineHoldsBatch1(String machine) throws Exception {
        for (String shard : SHARDS) write(shard, 1);
        for (String shard : SHARDS) awaitEveryMachineHolds(shard, 1);
        close(running.remove(machine));
    }

    private void start(String machine, boolean bootstrap) {
        try {
            List<ShardGroup> groups = SHARDS.stream().map(s -> new ShardGroup(s, raft)).toList();
            RaftHost host = RaftHost.open(machine, root.resolve(machine), ThreeReplicas.FAST, groups, bootstrap);
            Map<String, ShardReplica> mine = new LinkedHashMap<>();
            for (ShardGroup g : groups) mine.put(g.shardId(), host.replica(g, ShardLeadership.IGNORED));
            host.start();
            running.put(machine, host);
            replicas.put(machine, mine);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The peer ids in {@code shard}'s configuration, as its leader knows it. */
    private List<String> membersOf(String shard) {
        ShardMembership group = new ShardMembership(new ShardGroup(shard, raft), ThreeReplicas.FAST, ShardMembership.ASK_TIMEOUT_MS_DEFAULT);
        ShardMembership.Answer leader = await().atMost(AGREE_MAX).until(() -> group.leader(raft.values()), Optional::isPresent).get();
        return leader.servers().stream().map(p -> p.getId().toString()).toList();
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
            throw new UncheckedIOException(e);
        }
    }
}
