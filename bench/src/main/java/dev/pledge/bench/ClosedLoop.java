package dev.pledge.bench;

import dev.pledge.client.BufferedTransaction;
import dev.pledge.client.CommitResult;
import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.rpc.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.HdrHistogram.Histogram;

/**
 * K Pledge clients in a closed loop: each begins a transaction, writes one key at every
 * participant, commits, and starts over. Keys are per client, so transactions do not conflict:
 * this measures the protocol, not lock contention. Buffered (what the bench reports): the writes
 * go with the commit in one request ({@link BufferedTransaction}), as the XA resource ships them
 * with prepare. Interactive: begin, one Kv call per write, then commit. From one thread
 * ({@link #runFromOneThread}): K buffered transactions in flight through {@code commitAsync}.
 */
final class ClosedLoop {
    private static final int KEYS_PER_CLIENT = 64;
    private static final Duration TX_TIMEOUT = Duration.ofSeconds(10);

    private final PledgeClient client;
    private final List<String> participantIds;
    private final List<Endpoint> participants;
    private final int concurrency;
    private final boolean buffered;

    ClosedLoop(PledgeClient client, List<String> participantIds, List<Endpoint> participants, int concurrency,
               boolean buffered) {
        this.client = client;
        this.participantIds = participantIds;
        this.participants = participants;
        this.concurrency = concurrency;
        this.buffered = buffered;
    }

    /** Runs a warm-up, then measures for {@code measure}; returns counts and histograms of the measured part. */
    Measured run(Duration warmup, Duration measure, LoadHarness.Window window) throws InterruptedException {
        return new LoadHarness(window).run("bench", concurrency, this::runOne, warmup, measure);
    }

    /** Like {@link #run}, with K buffered transactions in flight from one thread through {@code commitAsync}. */
    Measured runFromOneThread(Duration warmup, Duration measure, LoadHarness.Window window) throws InterruptedException {
        return new LoadHarness(window).runFromOneThread("bench", concurrency, this::startOne, warmup, measure);
    }

    record Measured(double seconds, long committed, long aborted, long failed, Histogram commitUs, Histogram txUs,
                    String firstFailure, String firstAbort) {}

    private void runOne(int clientNo, long n, LoadHarness harness) {
        byte[] key = key(clientNo, n);
        byte[] value = Long.toString(n).getBytes(StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        try {
            long c0;
            CommitResult r;
            if (buffered) {
                BufferedTransaction tx = buffered(key, value);
                c0 = System.nanoTime();
                r = tx.commit();
            } else {
                try (Transaction tx = client.begin(TX_TIMEOUT)) {
                    for (Endpoint p : participants) tx.kv(p).put(key, value);
                    c0 = System.nanoTime();
                    r = tx.commit();
                }
            }
            record(harness, r, t0, c0);
        } catch (Exception e) {
            harness.failed(e.toString());
        }
    }

    /** The buffered transaction of {@link #runOne}, committed without waiting. */
    private CompletableFuture<?> startOne(int clientNo, long n, LoadHarness harness) {
        long t0 = System.nanoTime();
        try {
            BufferedTransaction tx = buffered(key(clientNo, n), Long.toString(n).getBytes(StandardCharsets.UTF_8));
            long c0 = System.nanoTime();
            return tx.commitAsync().whenComplete((r, e) -> {
                if (e == null) record(harness, r, t0, c0);
                else harness.failed((e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e).toString());
            });
        } catch (RuntimeException e) {
            harness.failed(e.toString());
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Keys are per client, so no two transactions in flight conflict. */
    private static byte[] key(int clientNo, long n) {
        return ("bench/" + clientNo + "/" + (n % KEYS_PER_CLIENT)).getBytes(StandardCharsets.UTF_8);
    }

    private BufferedTransaction buffered(byte[] key, byte[] value) {
        BufferedTransaction tx = client.beginBuffered(TX_TIMEOUT);
        for (String id : participantIds) tx.put(id, key, value);
        return tx;
    }

    private static void record(LoadHarness harness, CommitResult r, long t0, long c0) {
        if (r.committed()) harness.committed(t0, c0, System.nanoTime());
        else harness.aborted(r.reason().map(Enum::name).orElse("ABORTED") + ": " + r.message());
    }
}
