package dev.pledge.it;

import dev.pledge.client.CommitResult;
import dev.pledge.client.InDoubtException;
import dev.pledge.client.PledgeClient;
import dev.pledge.demo.admin.AdminCommand;
import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.participant.config.ReplicationSettings;
import dev.pledge.participant.replication.ShardGroup;
import dev.pledge.participant.replication.ShardMembership;
import dev.pledge.rpc.Endpoint;
import dev.pledge.wire.Unavailable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.pledge.it.KvProbe.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Participant C as three replica processes, A as one, and a coordinator, under load: a replica's
 * disk lost, and two replicas down at once. Prints the times measured.
 */
@Timeout(300)
class ReplicaFaultsProcessTest {
    private static final int CLIENTS = 8;
    private static final long LOAD_MS = 3_000;
    private static final Duration LEADER_WAIT_MAX = Duration.ofSeconds(60);
    private static final long TRANSFER_WAIT_MS = 10_000;
    private static final Duration JOIN_WAIT_MAX = Duration.ofSeconds(90);
    /** Many election timeouts (ReplicationSettings.DEFAULTS): time for a wrongly counted vote to elect someone. */
    private static final Duration NO_LEADER_OBSERVED = Duration.ofSeconds(8);
    /** A refusal, not a hang: far below any transaction timeout. */
    private static final long UNAVAILABLE_DEADLINE_MS = 10_000;

    @TempDir
    Path root;
    private ReplicatedKvCluster kv;
    private LocalCluster cluster;
    private PledgeClient client;
    private ReplicaPings replicas;

    @BeforeEach
    void start() {
        kv = ReplicatedKvCluster.start(root, c -> c);
        cluster = kv.cluster();
        client = kv.client();
        replicas = kv.replicas();
    }

    @AfterEach
    void stop() {
        if (kv != null) kv.close();
    }

    /**
     * Entries committed on the leader and a witness while the third replica is frozen; then the
     * witness loses its disk and the leader dies, and the frozen one thaws. It and the empty witness
     * are two of three, but the witness forgot what it acknowledged: it must not help elect a leader
     * that lacks those commits. When the old leader returns, the witness joins as a new incarnation,
     * catches up, and, made leader, serves every acknowledged commit from its own store.
     */
    @Test
    void aReplicaBackOnAnEmptyDiskRejoinsCatchesUpAndNoAcknowledgedCommitIsLost() throws Exception {
        String leader = replicas.awaitLeaderOtherThan(null, LEADER_WAIT_MAX);
        List<String> followers = cluster.replicaNames("C").stream().filter(n -> !n.equals(leader)).toList();
        String behind = followers.get(0);
        String witness = followers.get(1);
        FailoverWorkload load = new FailoverWorkload(client, CLIENTS);
        Thread.sleep(LOAD_MS);
        cluster.node(behind).pause();
        Thread.sleep(LOAD_MS);

        load.broken();
        cluster.node(witness).kill9();
        cluster.node(leader).kill9();
        cluster.wipe(witness);
        cluster.startReplica(witness);
        cluster.node(behind).resume();
        await().during(NO_LEADER_OBSERVED).atMost(NO_LEADER_OBSERVED.plusSeconds(10))
                .until(() -> replicas.leaderOtherThan(null) == null);

        long restartNs = System.nanoTime();
        cluster.startReplica(leader);
        String serving = replicas.awaitLeaderOtherThan(null, LEADER_WAIT_MAX);
        long servingMs = msSince(restartNs);
        ShardMembership group = membership();
        String newPeer = awaitJoinedAndCaughtUp(group, witness);
        long joinedMs = msSince(restartNs);
        Thread.sleep(LOAD_MS);
        load.stop();

        handLeadershipTo(group, newPeer);
        await().atMost(LEADER_WAIT_MAX).until(() -> replicas.epoch(witness) > 0);
        load.verify(cluster.participant("A"), cluster.endpoint(witness));
        String shards = adminShards();
        assertThat(shards).as("pledge admin shards").contains("leader " + newPeer).contains("LEADER").contains("FOLLOWER");
        System.out.print(shards);
        System.out.printf("replica disk lost: %s serving %d ms after the old leader restarted; %s (wiped) joined as %s and caught up"
                + " %d ms after it; every acknowledged commit read from its store; %s%n", serving, servingMs, witness, newPeer,
                joinedMs, load.summary());
    }

    /**
     * Hands the group's leadership to {@code peerId}, asking whoever leads at each attempt: an election
     * may race a transfer (Ratis then answers DIFFERENT_LEADER), and an operator would simply ask again.
     */
    private void handLeadershipTo(ShardMembership group, String peerId) {
        await().atMost(LEADER_WAIT_MAX).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            ShardMembership.Answer lead = group.leader(raftAddresses()).orElseThrow();
            if (lead.peerId().equals(peerId)) return true;
            group.transferLeadership(lead, peerId, TRANSFER_WAIT_MS);
            return false;
        });
    }

    /**
     * Two of three replicas killed: the third answers Unavailable at once, a transaction touching C
     * ends without committing, and nothing decided is contradicted; one replica back, C serves again.
     */
    @Test
    void withTwoReplicasDownTheShardIsUnavailableDecidesNothingWrongAndRecoversWhenOneReturns() throws Exception {
        String leader = replicas.awaitLeaderOtherThan(null, LEADER_WAIT_MAX);
        List<String> followers = cluster.replicaNames("C").stream().filter(n -> !n.equals(leader)).toList();
        FailoverWorkload load = new FailoverWorkload(client, CLIENTS);
        Thread.sleep(LOAD_MS);

        long killedNs = load.broken();
        cluster.node(leader).kill9();
        cluster.node(followers.get(0)).kill9();
        String survivor = followers.get(1);
        Object answer = replicas.readAt(survivor, client, UNAVAILABLE_DEADLINE_MS);
        long refusedMs = msSince(killedNs);
        assertThat(answer).as("the survivor refuses").isInstanceOf(Unavailable.class);

        long txStartNs = System.nanoTime();
        String told = tellOutcomeWithCDown();
        long txMs = msSince(txStartNs);
        assertThat(told).as("a transaction touching C while it has no majority").isIn("ABORTED", "IN_DOUBT");

        long restartNs = System.nanoTime();
        cluster.startReplica(followers.get(0));
        String serving = replicas.awaitLeaderOtherThan(null, LEADER_WAIT_MAX);
        long servingMs = msSince(restartNs);
        Thread.sleep(LOAD_MS);
        load.stop();
        load.verify(cluster.participant("A"), cluster.endpoint(serving));
        System.out.printf("two replicas down: %s refused with Unavailable %d ms after the kills (%s); a transaction touching C"
                        + " answered %s in %d ms; %s serving %d ms after one restarted; %s%n", survivor, refusedMs, answer, told,
                txMs, serving, servingMs, load.summary());
    }

    /**
     * What the client is told of a transaction writing at A and C: ABORTED, or IN_DOUBT when a prepare
     * may have reached C (then nobody may decide from a missing answer; it resolves once C is back,
     * and the workload's check covers such transactions). Never COMMITTED, and never a hang.
     */
    private String tellOutcomeWithCDown() throws Exception {
        try {
            CommitResult r = client.beginBuffered(Duration.ofSeconds(5)).put("A", bytes("down-1"), bytes("down-1"))
                    .put("C", bytes("down-1"), bytes("down-1")).commit();
            return r.state().name();
        } catch (InDoubtException e) {
            return "IN_DOUBT";
        }
    }

    /** The new incarnation of {@code name}, once the leader counts it a member and it applied what the leader had committed then. */
    private String awaitJoinedAndCaughtUp(ShardMembership group, String name) {
        InetSocketAddress at = raft(name);
        AtomicLong target = new AtomicLong(-1);
        return await().atMost(JOIN_WAIT_MAX).pollInterval(Duration.ofMillis(100)).until(() -> {
            ShardMembership.Answer self = group.ask(at);
            if (self.peerId() == null || !self.peerId().startsWith(name + "#")) return null;
            if (target.get() < 0) {
                Optional<ShardMembership.Answer> lead = group.leader(raftAddresses());
                if (lead.isEmpty() || lead.get().servers().stream().noneMatch(p -> p.getId().toString().equals(self.peerId()))) return null;
                target.set(lead.get().commitIndex());
            }
            return self.appliedIndex() >= target.get() ? self.peerId() : null;
        }, peer -> peer != null);
    }

    /** What {@code pledge admin shards} prints of C, run in this JVM. */
    private String adminShards() {
        String addresses = String.join(",", cluster.replicaNames("C").stream().map(n -> cluster.raftEndpoint(n).toString()).toList());
        CliRun shards = CliRun.of(new AdminCommand(), "shards", "--shard", "C=" + addresses);
        assertThat(shards.code()).as("admin shards exit code; printed: %s", shards.printed()).isZero();
        return shards.printed();
    }

    private ShardMembership membership() {
        Map<String, InetSocketAddress> raft = new LinkedHashMap<>();
        for (String name : cluster.replicaNames("C")) raft.put(name, raft(name));
        return new ShardMembership(new ShardGroup("C", raft), ReplicationSettings.DEFAULTS, ShardMembership.ASK_TIMEOUT_MS_DEFAULT);
    }

    private List<InetSocketAddress> raftAddresses() {
        return cluster.replicaNames("C").stream().map(this::raft).toList();
    }

    private InetSocketAddress raft(String name) {
        Endpoint e = cluster.raftEndpoint(name);
        return new InetSocketAddress(e.host(), e.port());
    }

    private static long msSince(long startNs) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }
}
