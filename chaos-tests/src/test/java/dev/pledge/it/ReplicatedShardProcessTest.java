package dev.pledge.it;

import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.demo.launch.NodeProcess;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Kv;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.Unavailable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static dev.pledge.it.KvProbe.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Participant C as three replica processes (Ratis over gRPC, a RocksDB each), A as one process, and a
 * coordinator process: the leader of C is SIGKILLed under load, or frozen with SIGSTOP while the
 * others elect and then thawed. Prints the failover times.
 */
@Timeout(300)
class ReplicatedShardProcessTest {
    private static final int CLIENTS = 8;
    private static final long LOAD_BEFORE_KILL_MS = 3_000;
    private static final long LOAD_AFTER_KILL_MS = 5_000;
    private static final Duration LEADER_WAIT_MAX = Duration.ofSeconds(60);

    @TempDir
    Path root;
    private ReplicatedKvCluster kv;
    private LocalCluster cluster;
    private PledgeClient client;
    private final Map<String, RpcClient> pings = new ConcurrentHashMap<>();
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
        pings.values().forEach(RpcClient::close);
        if (kv != null) kv.close();
    }

    @Test
    void theLeaderSigkilledDuringPreparesIsReplacedAndNoAcknowledgedCommitIsLost() throws Exception {
        String first = awaitLeaderOtherThan(null);
        FailoverWorkload load = new FailoverWorkload(client, CLIENTS);
        Thread.sleep(LOAD_BEFORE_KILL_MS);

        long killedAtNs = load.broken();
        cluster.node(first).kill9();
        String second = awaitLeaderOtherThan(first);
        long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAtNs);
        Thread.sleep(LOAD_AFTER_KILL_MS);
        load.stop();

        load.verify(cluster.participant("A"), cluster.endpoint(second));
        System.out.printf("replicated shard failover (SIGKILL): leader %s killed, %s serving after %d ms; %s%n",
                first, second, failoverMs, load.summary());
    }

    @Test
    void aFrozenLeaderThawedAfterASuccessorWasElectedServesNothing() throws Exception {
        String first = awaitLeaderOtherThan(null);
        NodeProcess frozen = cluster.node(first);
        frozen.pause();
        long frozenAtNs = System.nanoTime();
        String second = awaitLeaderOtherThan(first);
        long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAtNs);

        // Sent while it is frozen, so the thawed process reads it before anything can tell it about its successor.
        Transaction tx = client.begin(Duration.ofSeconds(20));
        RpcClient toFrozen = new RpcClient(cluster.endpoint(first), RpcClientConfig.defaults().withMaxAttempts(1));
        pings.put("to-frozen", toFrozen);
        CompletableFuture<Object> read = CompletableFuture.supplyAsync(() -> {
            try {
                return toFrozen.call(Services.KV, new Kv.Client.Factory(), (c, ms) ->
                        c.get(new TxContext(Wire.toWire(tx.id()), 1, ms), ByteBuffer.wrap(bytes("student:7"))), 15_000);
            } catch (Exception refused) {
                return refused;
            }
        });
        Thread.sleep(500);
        frozen.resume();

        Object answer = read.get(30, TimeUnit.SECONDS);
        assertThat(answer).as("the thawed old leader must not read for a transaction").isInstanceOf(Unavailable.class);
        await().atMost(LEADER_WAIT_MAX).until(() -> epoch(first) == 0);
        tx.close();
        System.out.printf("replicated shard failover (SIGSTOP): leader %s frozen, %s serving after %d ms; the thawed one refused: %s%n",
                first, second, failoverMs, answer);
    }

    private String awaitLeaderOtherThan(String not) {
        return replicas.awaitLeaderOtherThan(not, LEADER_WAIT_MAX);
    }

    private long epoch(String name) {
        return replicas.epoch(name);
    }
}
