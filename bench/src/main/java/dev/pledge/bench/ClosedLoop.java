package dev.pledge.bench;

import dev.pledge.client.CommitResult;
import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.rpc.Endpoint;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * K clients in a closed loop: each begins a transaction, writes one key at every participant,
 * commits, and starts over. Keys are per client, so transactions do not conflict: this measures
 * the protocol, not lock contention.
 */
final class ClosedLoop {
    private static final long LATENCY_US_MAX = 60_000_000L;
    private static final int KEYS_PER_CLIENT = 64;

    private final PledgeClient client;
    private final List<Endpoint> participants;
    private final int concurrency;
    private final Recorder commitUs = new Recorder(LATENCY_US_MAX, 3);
    private final Recorder txUs = new Recorder(LATENCY_US_MAX, 3);
    private final LongAdder committed = new LongAdder();
    private final LongAdder aborted = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile String firstFailure;

    ClosedLoop(PledgeClient client, List<Endpoint> participants, int concurrency) {
        this.client = client;
        this.participants = participants;
        this.concurrency = concurrency;
    }

    /** Runs a warm-up, then measures for {@code measure}; returns counts and histograms of the measured part. */
    Measured run(Duration warmup, Duration measure) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            int clientNo = c;
            Thread t = new Thread(() -> loop(clientNo), "bench-client-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        Thread.sleep(warmup.toMillis());
        commitUs.reset();
        txUs.reset();
        long c0 = committed.sum(), a0 = aborted.sum(), f0 = failed.sum();
        long startNs = System.nanoTime();
        Thread.sleep(measure.toMillis());
        Histogram commitHist = commitUs.getIntervalHistogram();
        Histogram txHist = txUs.getIntervalHistogram();
        double seconds = (System.nanoTime() - startNs) / 1e9;
        Measured m = new Measured(seconds, committed.sum() - c0, aborted.sum() - a0, failed.sum() - f0, commitHist, txHist, firstFailure);
        stop.set(true);
        for (Thread t : threads) t.join(10_000);
        return m;
    }

    record Measured(double seconds, long committed, long aborted, long failed, Histogram commitUs, Histogram txUs,
                    String firstFailure) {}

    private void loop(int clientNo) {
        long n = 0;
        while (!stop.get()) {
            byte[] key = ("bench/" + clientNo + "/" + (n++ % KEYS_PER_CLIENT)).getBytes(StandardCharsets.UTF_8);
            byte[] value = Long.toString(n).getBytes(StandardCharsets.UTF_8);
            long t0 = System.nanoTime();
            try (Transaction tx = client.begin(Duration.ofSeconds(10))) {
                for (Endpoint p : participants) tx.kv(p).put(key, value);
                long c0 = System.nanoTime();
                CommitResult r = tx.commit();
                long end = System.nanoTime();
                if (r.committed()) {
                    commitUs.recordValue(Math.min(LATENCY_US_MAX, (end - c0) / 1000));
                    txUs.recordValue(Math.min(LATENCY_US_MAX, (end - t0) / 1000));
                    committed.increment();
                } else {
                    aborted.increment();
                }
            } catch (Exception e) {
                failed.increment();
                if (firstFailure == null) firstFailure = e.toString();
            }
        }
    }
}
