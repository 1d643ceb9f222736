package dev.pledge.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The floor of this machine: the synced RocksDB writes one Pledge transaction needs (one per
 * participant, one decision), made by K threads in one process with no RPC. Each "participant"
 * and the "decision log" is its own RocksDB, as in Pledge; concurrent syncs share fsyncs through
 * RocksDB's own write grouping.
 */
final class FloorLoop implements AutoCloseable {
    private static final long LATENCY_US_MAX = 60_000_000L;

    private final List<RocksDB> participants = new ArrayList<>();
    private final RocksDB decisions;
    private final int concurrency;
    private final Recorder txUs = new Recorder(LATENCY_US_MAX, 3);
    private final LongAdder done = new LongAdder();
    private final AtomicBoolean stop = new AtomicBoolean();

    FloorLoop(Path root, int n, int concurrency) throws RocksDBException {
        RocksDB.loadLibrary();
        try (Options options = new Options().setCreateIfMissing(true)) {
            for (int i = 0; i < n; i++) participants.add(RocksDB.open(options, root.resolve("p" + i).toString()));
            decisions = RocksDB.open(options, root.resolve("decisions").toString());
        }
        this.concurrency = concurrency;
    }

    ClosedLoop.Measured run(Duration warmup, Duration measure) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            int client = c;
            Thread t = new Thread(() -> loop(client), "floor-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        Thread.sleep(warmup.toMillis());
        txUs.reset();
        long d0 = done.sum();
        long startNs = System.nanoTime();
        Thread.sleep(measure.toMillis());
        Histogram h = txUs.getIntervalHistogram();
        double seconds = (System.nanoTime() - startNs) / 1e9;
        long count = done.sum() - d0;
        stop.set(true);
        for (Thread t : threads) t.join(10_000);
        return new ClosedLoop.Measured(seconds, count, 0, 0, h, h, null);
    }

    private void loop(int client) {
        try (WriteOptions synced = new WriteOptions().setSync(true)) {
            long n = 0;
            while (!stop.get()) {
                byte[] key = ("floor/" + client + "/" + (n++ % 64)).getBytes(StandardCharsets.UTF_8);
                byte[] value = Long.toString(n).getBytes(StandardCharsets.UTF_8);
                long t0 = System.nanoTime();
                for (RocksDB p : participants) p.put(synced, key, value);
                decisions.put(synced, key, value);
                txUs.recordValue(Math.min(LATENCY_US_MAX, (System.nanoTime() - t0) / 1000));
                done.increment();
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("floor write failed", e);
        }
    }

    @Override
    public void close() {
        participants.forEach(RocksDB::close);
        decisions.close();
    }
}
