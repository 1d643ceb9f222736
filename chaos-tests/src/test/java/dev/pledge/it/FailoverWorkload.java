package dev.pledge.it;

import dev.pledge.client.CommitResult;
import dev.pledge.client.InDoubtException;
import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.rpc.Endpoint;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Clients committing write-only transactions that write their next key at participants A and C,
 * while a test breaks C; then the check that every transaction ended and no acknowledged commit was
 * lost, by reading every key back at both.
 */
final class FailoverWorkload {
    private static final Duration TX_TIMEOUT = Duration.ofSeconds(20);
    private static final int KEYS_PER_READ_TX = 100;

    /** What the client was told of one transaction writing key k at A and at C. */
    private record Attempt(String key, TxState told, TxId inDoubt) {}

    private final PledgeClient client;
    private final AtomicBoolean loading = new AtomicBoolean(true);
    private final AtomicLong brokenAtNs = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong firstCommitAfterNs = new AtomicLong(Long.MAX_VALUE);
    private final Histogram beforeUs = new Histogram(3);
    private final ExecutorService threads;
    private final List<Future<List<Attempt>>> workers = new ArrayList<>();
    private final List<Attempt> attempts = new ArrayList<>();
    private long committed;

    FailoverWorkload(PledgeClient client, int clients) {
        this.client = client;
        this.threads = Executors.newFixedThreadPool(clients);
        for (int w = 0; w < clients; w++) {
            int worker = w;
            workers.add(threads.submit(() -> run(worker)));
        }
    }

    /** The moment C is broken: commit latency is measured before it, the first commit after it is timed. */
    long broken() {
        brokenAtNs.set(System.nanoTime());
        return brokenAtNs.get();
    }

    void stop() throws Exception {
        loading.set(false);
        for (Future<List<Attempt>> f : workers) attempts.addAll(f.get(60, TimeUnit.SECONDS));
        threads.shutdown();
    }

    /** Every transaction ended (in-doubt ones resolve), acknowledged commits are at A and C, aborts at neither. */
    void verify(Endpoint a, Endpoint c) throws Exception {
        Map<String, TxState> outcome = new ConcurrentHashMap<>();
        for (Attempt t : attempts) {
            TxState o = t.inDoubt() == null ? t.told() : finalState(t.inDoubt());
            if (o != null) outcome.put(t.key(), o);
        }
        Set<String> keys = attempts.stream().map(Attempt::key).collect(java.util.stream.Collectors.toSet());
        Map<String, byte[]> atA = readAll(a, keys);
        Map<String, byte[]> atC = readAll(c, keys);
        for (Attempt t : attempts) {
            String k = t.key();
            if (t.told() == TxState.COMMITTED) {
                committed++;
                assertThat(atC.get(k)).as("acknowledged commit %s at C", k).isEqualTo(bytes(k));
                assertThat(atA.get(k)).as("acknowledged commit %s at A", k).isEqualTo(bytes(k));
            }
            TxState o = outcome.get(k);
            if (o == null) {
                assertThat(atA.get(k) == null).as("never-started %s is atomic", k).isEqualTo(atC.get(k) == null);
            } else {
                assertThat(o).as("transaction of %s ended", k).isIn(TxState.COMMITTED, TxState.ABORTED);
                byte[] expected = o == TxState.COMMITTED ? bytes(k) : null;
                assertThat(atA.get(k)).as("%s %s at A", k, o).isEqualTo(expected);
                assertThat(atC.get(k)).as("%s %s at C", k, o).isEqualTo(expected);
            }
        }
        assertThat(committed).as("commits").isPositive();
        assertThat(firstCommitAfterNs.get()).as("a commit started after C broke").isLessThan(Long.MAX_VALUE);
    }

    String summary() {
        return String.format("%d transactions (%d committed); first commit started after the break done %d ms after it;"
                        + " A+C commit p50 %.1f ms p99 %.1f ms before it", attempts.size(), committed,
                TimeUnit.NANOSECONDS.toMillis(firstCommitAfterNs.get() - brokenAtNs.get()),
                beforeUs.getValueAtPercentile(50) / 1000.0, beforeUs.getValueAtPercentile(99) / 1000.0);
    }

    private List<Attempt> run(int worker) {
        List<Attempt> out = new ArrayList<>();
        for (int n = 0; loading.get(); n++) {
            String key = "k-" + worker + "-" + n;
            long startNs = System.nanoTime();
            try {
                CommitResult r = client.beginBuffered(TX_TIMEOUT).put("A", bytes(key), bytes(key)).put("C", bytes(key), bytes(key))
                        .commit();
                out.add(new Attempt(key, r.state(), null));
                long endNs = System.nanoTime();
                if (r.committed() && startNs > brokenAtNs.get()) firstCommitAfterNs.accumulateAndGet(endNs, Math::min);
                if (endNs < brokenAtNs.get()) synchronized (beforeUs) {
                    beforeUs.recordValue(TimeUnit.NANOSECONDS.toMicros(endNs - startNs));
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
    private Map<String, byte[]> readAll(Endpoint participant, Set<String> keys) {
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
