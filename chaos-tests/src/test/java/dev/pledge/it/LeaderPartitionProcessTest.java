package dev.pledge.it;

import dev.pledge.client.PledgeClient;
import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.wire.Unavailable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The leader of C cut off from the other two replicas (a minority partition) by loopback iptables
 * rules on Raft's ports: each replica process runs with its own group id, so the rules can tell the
 * leader's packets from the others'. The majority elects; the old leader, still running and
 * reachable on Thrift, refuses once a successor serves. Every rule added is removed after.
 */
@Timeout(300)
class LeaderPartitionProcessTest {
    private static final int CLIENTS = 8;
    private static final long LOAD_MS = 3_000;
    private static final Duration LEADER_WAIT_MAX = Duration.ofSeconds(60);
    /** Group ids the replica processes run with: C-r1 gets FIRST_GID + 1, and so on. */
    private static final int FIRST_GID = 61_000;
    private static final long READ_DEADLINE_MS = 10_000;

    @TempDir
    Path root;
    private ReplicatedKvCluster kv;
    private LocalCluster cluster;
    private PledgeClient client;
    private ReplicaPings replicas;
    private final List<List<String>> rules = new ArrayList<>();

    @BeforeEach
    void start() {
        kv = ReplicatedKvCluster.start(root, c -> c.withLauncher(name -> {
            int gid = gid(name);
            return gid < 0 ? List.of() : List.of("setpriv", "--regid", String.valueOf(gid), "--clear-groups");
        }));
        cluster = kv.cluster();
        client = kv.client();
        replicas = kv.replicas();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            heal();
        } finally {
            if (kv != null) kv.close();
        }
    }

    @Test
    void aLeaderCutOffFromItsMajorityStopsServingAndTheMajorityElects() throws Exception {
        String old = replicas.awaitLeaderOtherThan(null, LEADER_WAIT_MAX);
        FailoverWorkload load = new FailoverWorkload(client, CLIENTS);
        Thread.sleep(LOAD_MS);

        long cutNs = load.broken();
        partition(old);
        String successor = replicas.awaitLeaderOtherThan(old, LEADER_WAIT_MAX);
        long electedMs = msSince(cutNs);

        Object read = replicas.readAt(old, client, READ_DEADLINE_MS);
        assertThat(read).as("the cut-off old leader must not read for a transaction once %s serves", successor)
                .isInstanceOf(Unavailable.class);
        await().atMost(LEADER_WAIT_MAX).until(() -> replicas.epoch(old) == 0);
        long stoppedMs = msSince(cutNs);
        Thread.sleep(LOAD_MS);

        heal();
        long healedNs = System.nanoTime();
        Thread.sleep(LOAD_MS);
        load.stop();
        load.verify(cluster.participant("A"), cluster.endpoint(replicas.awaitLeaderOtherThan(null, LEADER_WAIT_MAX)));
        assertThat(replicas.epoch(old)).as("the old leader after healing").isGreaterThanOrEqualTo(0);
        System.out.printf("minority partition of the leader: %s cut off, %s serving %d ms after the cut; %s refused (%s) and"
                        + " stopped serving %d ms after the cut; healed %d ms ago; %s%n", old, successor, electedMs, old, read,
                stoppedMs, msSince(healedNs), load.summary());
    }

    /** Drops the Raft traffic of {@code leader} both ways: its packets to the others' Raft ports and from its own, and theirs to its port. */
    private void partition(String leader) throws Exception {
        int gid = gid(leader);
        int own = cluster.raftEndpoint(leader).port();
        List<String> others = new ArrayList<>();
        for (String name : cluster.replicaNames("C")) {
            if (!name.equals(leader)) others.add(String.valueOf(cluster.raftEndpoint(name).port()));
        }
        add(List.of("OUTPUT", "-o", "lo", "-p", "tcp", "-m", "owner", "--gid-owner", String.valueOf(gid),
                "-m", "multiport", "--dports", String.join(",", others), "-j", "DROP"));
        add(List.of("OUTPUT", "-o", "lo", "-p", "tcp", "-m", "owner", "--gid-owner", String.valueOf(gid),
                "--sport", String.valueOf(own), "-j", "DROP"));
        add(List.of("OUTPUT", "-o", "lo", "-p", "tcp", "-m", "owner", "!", "--gid-owner", String.valueOf(gid),
                "--dport", String.valueOf(own), "-j", "DROP"));
    }

    private void add(List<String> rule) throws Exception {
        iptables("-I", rule);
        rules.add(rule);
    }

    /** Removes every rule this test added. */
    private void heal() throws Exception {
        Exception first = null;
        for (List<String> rule : List.copyOf(rules)) {
            try {
                iptables("-D", rule);
                rules.remove(rule);
            } catch (Exception e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    private static void iptables(String op, List<String> rule) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("iptables", "-w", op));
        command.addAll(rule);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("iptables " + op + " " + rule + " failed: " + output);
        }
    }

    private static int gid(String name) {
        int at = name.lastIndexOf("-r");
        return name.startsWith("C-r") && at > 0 ? FIRST_GID + Integer.parseInt(name.substring(at + 2)) : -1;
    }

    private static long msSince(long startNs) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }
}
