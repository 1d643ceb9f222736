package dev.pledge.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The closed-loop harness a system under test plugs its transaction into: K client threads run
 * {@link Client#runOne} until stopped, or one thread keeps K {@link AsyncClient#startOne} in
 * flight; the harness warms up, then measures, and keeps the counts and latency histograms of the
 * measured part only.
 */
final class LoadHarness {
    private static final long LATENCY_US_MAX = 60_000_000L;

    /** One client's transaction number {@code n}: record its outcome on the harness. */
    @FunctionalInterface
    interface Client {
        void runOne(int clientNo, long n, LoadHarness harness);
    }

    /** Starts client {@code clientNo}'s transaction number {@code n} without waiting; completes once recorded. */
    @FunctionalInterface
    interface AsyncClient {
        CompletableFuture<?> startOne(int clientNo, long n, LoadHarness harness);
    }

    /**
     * What a run samples at the two edges of its measured part (CPU time, a node's counters), so
     * that its figures cover exactly the transactions counted. Opened before the counts start,
     * closed after they stop: the window outlasts the counted part by the sampling's milliseconds.
     */
    interface Window {
        Window NONE = new Window() {
            @Override
            public void opened() {}

            @Override
            public void closed() {}
        };

        void opened();

        void closed();
    }

    /** How long the driver waits for the transactions still in flight when the run stops. */
    private static final long DRAIN_MS_MAX = 60_000;

    private final Recorder commitUs = new Recorder(LATENCY_US_MAX, 3);
    private final Recorder txUs = new Recorder(LATENCY_US_MAX, 3);
    private final LongAdder committed = new LongAdder();
    private final LongAdder aborted = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile String firstFailure;
    private volatile String firstAbort;
    private final Window window;

    LoadHarness(Window window) {
        this.window = window;
    }

    void committed(long startNs, long commitStartNs, long endNs) {
        commitUs.recordValue(Math.min(LATENCY_US_MAX, (endNs - commitStartNs) / 1000));
        txUs.recordValue(Math.min(LATENCY_US_MAX, (endNs - startNs) / 1000));
        committed.increment();
    }

    void aborted(String why) {
        aborted.increment();
        if (firstAbort == null) firstAbort = why;
    }

    void failed(String why) {
        failed.increment();
        if (firstFailure == null) firstFailure = why;
    }

    /** Runs {@code concurrency} clients: a warm-up, then {@code measure}; returns the measured part. */
    ClosedLoop.Measured run(String name, int concurrency, Client client, Duration warmup, Duration measure)
            throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            int clientNo = c;
            Thread t = new Thread(() -> {
                for (long n = 0; !stop.get(); n++) client.runOne(clientNo, n, this);
            }, name + "-client-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        ClosedLoop.Measured m = measure(warmup, measure);
        stop.set(true);
        for (Thread t : threads) t.join(10_000);
        return m;
    }

    /**
     * One thread keeps {@code inFlight} transactions of {@code client} in flight: a warm-up, then
     * {@code measure}. Each completion frees its client number, and so starts the next.
     */
    ClosedLoop.Measured runFromOneThread(String name, int inFlight, AsyncClient client, Duration warmup, Duration measure)
            throws InterruptedException {
        BlockingQueue<Integer> free = new ArrayBlockingQueue<>(inFlight);
        for (int c = 0; c < inFlight; c++) free.add(c);
        // Each slot counts its own transactions, as each thread does in run(): its next transaction
        // writes the next of its keys, never the one its last transaction may still hold until
        // phase two reaches the participants (a global count came back to the same key).
        long[] startedBySlot = new long[inFlight];
        Thread driver = new Thread(() -> {
            try {
                while (!stop.get()) {
                    int clientNo = free.take();
                    client.startOne(clientNo, startedBySlot[clientNo]++, this).whenComplete((r, e) -> free.add(clientNo));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-async-driver");
        driver.setDaemon(true);
        driver.start();
        ClosedLoop.Measured m = measure(warmup, measure);
        stop.set(true);
        driver.join(10_000);
        long drainUntilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MS_MAX);
        while (free.size() < inFlight && System.nanoTime() < drainUntilNs) Thread.sleep(10);
        return m;
    }

    private ClosedLoop.Measured measure(Duration warmup, Duration measure) throws InterruptedException {
        Thread.sleep(warmup.toMillis());
        window.opened();
        commitUs.reset();
        txUs.reset();
        long c0 = committed.sum();
        long a0 = aborted.sum();
        long f0 = failed.sum();
        long startNs = System.nanoTime();
        Thread.sleep(measure.toMillis());
        Histogram commitHist = commitUs.getIntervalHistogram();
        Histogram txHist = txUs.getIntervalHistogram();
        double seconds = (System.nanoTime() - startNs) / 1e9;
        long committedNow = committed.sum();
        window.closed();
        return new ClosedLoop.Measured(seconds, committedNow - c0, aborted.sum() - a0,
                failed.sum() - f0, commitHist, txHist, firstFailure, firstAbort);
    }
}
