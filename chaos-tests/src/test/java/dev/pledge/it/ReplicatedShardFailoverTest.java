package dev.pledge.it;

import dev.pledge.client.CommitResult;
import dev.pledge.client.InDoubtException;
import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.rpc.Endpoint;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.pledge.it.KvProbe.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Participant C is a shard of three replicas in this JVM (Ratis over loopback gRPC, a RocksDB each),
 * A is one plain node, and a real coordinator commits write-only transactions across both while the
 * shard's leader is stopped. Prints the failover time and C's commit latency before the kill.
 */
@Timeout(240)
class ReplicatedShardFailoverTest {
    private static final int CLIENTS = 8;
    private static final Duration TX_TIMEOUT = Duration.ofSeconds(20);
    private static final long LOAD_BEFORE_KILL_MS = 2_000;
    private static final long LOAD_AFTER_KILL_MS = 4_000;
    private static final int KEYS_PER_READ_TX = 100;

    @TempDir
    Path root;
    private InJvmShard shard;
    private InJvmCluster cluster;
    private PledgeClient client;

    /** What the client was told of one transaction writing key k at A and at C. */
    private record Attempt(String key, TxState told, TxId inDoubt) {}

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void killingTheLeaderDuringPreparesLosesNoAcknowledgedCommitAndEveryTransactionEnds() throws Exception {
        shard = new InJvmShard("C", List.of("r1", "r2", "r3"));
        cluster = new InJvmCluster(root, List.of("A", "C"), c -> c).withReplicatedShard(shard).startAll();
        client = PledgeClient.builder().coordinator(cluster.coordinator()).build();
        String first = await().atMost(Duration.ofSeconds(30)).until(shard::leader, id -> id != null);

        List<Attempt> attempts = new ArrayList<>();
        Histogram beforeKillUs = new Histogram(3);
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicLong killedAtNs = new AtomicLong(Long.MAX_VALUE);
        AtomicLong firstCommitAfterKillNs = new AtomicLong(Long.MAX_VALUE);
        ExecutorService load = Executors.newFixedThreadPool(CLIENTS);
        List<Future<List<Attempt>>> workers = new ArrayList<>();
        for (int w = 0; w < CLIENTS; w++) {
            int worker = w;
            workers.add(load.submit(() -> run(worker, loading, killedAtNs, firstCommitAfterKillNs, beforeKillUs)));
        }

        Thread.sleep(LOAD_BEFORE_KILL_MS);
        killedAtNs.set(System.nanoTime());
        Thread killing = new Thread(() -> shard.stop(first), "kill-" + first);
        killing.start();
        String second = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(2))
                .until(shard::leader, id -> id != null && !id.equals(first));
        long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAtNs.get());
        Thread.sleep(LOAD_AFTER_KILL_MS);
        loading.set(false);
        for (Future<List<Attempt>> f : workers) attempts.addAll(f.get(60, TimeUnit.SECONDS));
        load.shutdown();
        killing.join();

        Map<String, TxState> outcome = new ConcurrentHashMap<>();
        for (Attempt a : attempts) outcome.put(a.key(), a.inDoubt() == null ? a.told() : finalState(a.inDoubt()));
        Map<String, byte[]> atA = readAll(cluster.participant("A"), outcome.keySet());
        Map<String, byte[]> atC = readAll(shard.endpoint(second), outcome.keySet());
        long committed = 0;
        for (Attempt a : attempts) {
            String k = a.key();
            if (a.told() == TxState.COMMITTED) {
                committed++;
                assertThat(atC.get(k)).as("acknowledged commit %s at C", k).isEqualTo(bytes(k));
                assertThat(atA.get(k)).as("acknowledged commit %s at A", k).isEqualTo(bytes(k));
            }
            TxState o = outcome.get(k);
            assertThat(o).as("transaction of %s ended", k).isIn(TxState.COMMITTED, TxState.ABORTED, null);
            if (o == null) {
                assertThat(atA.get(k) == null).as("never-started %s is atomic", k).isEqualTo(atC.get(k) == null);
            } else {
                byte[] expected = o == TxState.COMMITTED ? bytes(k) : null;
                assertThat(atA.get(k)).as("%s %s at A", k, o).isEqualTo(expected);
                assertThat(atC.get(k)).as("%s %s at C", k, o).isEqualTo(expected);
            }
        }
        assertThat(committed).as("commits before and after the kill").isPositive();
        assertThat(firstCommitAfterKillNs.get()).as("a commit after the kill").isLessThan(Long.MAX_VALUE);
        System.out.printf("replicated shard failover: %d transactions (%d committed); leader %s stopped, %s serving after %d ms;"
                        + " first commit after the kill %d ms; C+A commit p50 %.1f ms p99 %.1f ms before the kill%n",
                attempts.size(), committed, first, second, failoverMs,
                TimeUnit.NANOSECONDS.toMillis(firstCommitAfterKillNs.get() - killedAtNs.get()),
                beforeKillUs.getValueAtPercentile(50) / 1000.0, beforeKillUs.getValueAtPercentile(99) / 1000.0);
    }

    /** One client: write-only transactions writing its next key at A and at C, until told to stop. */
    private List<Attempt> run(int worker, AtomicBoolean loading, AtomicLong killedAtNs, AtomicLong firstCommitAfterKillNs,
                              Histogram beforeKillUs) {
        List<Attempt> out = new ArrayList<>();
        for (int n = 0; loading.get(); n++) {
            String key = "k-" + worker + "-" + n;
            long startNs = System.nanoTime();
            try {
                CommitResult r = client.beginBuffered(TX_TIMEOUT).put("A", bytes(key), bytes(key)).put("C", bytes(key), bytes(key))
                        .commit();
                out.add(new Attempt(key, r.state(), null));
                long endNs = System.nanoTime();
                if (r.committed() && startNs > killedAtNs.get()) firstCommitAfterKillNs.accumulateAndGet(endNs, Math::min);
                if (endNs < killedAtNs.get()) synchronized (beforeKillUs) {
                    beforeKillUs.recordValue(TimeUnit.NANOSECONDS.toMicros(endNs - startNs));
                }
            } catch (InDoubtException e) {
                out.add(new Attempt(key, null, e.txId()));
            } catch (Exception notStarted) {
                out.add(new Attempt(key, null, null));
            }
        }
        return out;
    }

    private TxState finalState(TxId txId) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> client.status(txId).state(), s -> s == TxState.COMMITTED || s == TxState.ABORTED);
    }

    /** Every key's value at {@code participant}, read in fresh transactions (a hint leads to C's leader). */
    private Map<String, byte[]> readAll(Endpoint participant, java.util.Set<String> keys) throws Exception {
        Map<String, byte[]> out = new ConcurrentHashMap<>();
        List<String> all = new ArrayList<>(keys);
        for (int from = 0; from < all.size(); from += KEYS_PER_READ_TX) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + KEYS_PER_READ_TX));
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                try (Transaction tx = client.begin(Duration.ofSeconds(10))) {
                    for (String k : chunk) {
                        byte[] v = tx.kv(participant).get(bytes(k));
                        if (v != null) out.put(k, v);
                        else out.remove(k);
                    }
                    tx.commit();
                }
                return true;
            });
        }
        return out;
    }
}
