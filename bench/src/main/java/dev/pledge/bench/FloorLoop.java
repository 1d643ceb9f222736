package dev.pledge.bench;

import dev.pledge.participant.storage.WalRecycling;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The floor of this machine: the synced RocksDB writes one Pledge transaction needs (one per
 * participant, one decision), made by K threads in one process with no RPC. Each "participant"
 * and the "decision log" is its own RocksDB, as in Pledge; concurrent syncs share fsyncs through
 * RocksDB's own write grouping.
 */
final class FloorLoop implements AutoCloseable {
    private static final int KEYS_PER_CLIENT = 64;

    private final List<RocksDB> participants = new ArrayList<>();
    private final RocksDB decisions;
    private final WriteOptions synced;
    private final int concurrency;

    /** {@code recycling}: how each store keeps its log files (off: RocksDB's defaults, the classic floor). */
    FloorLoop(Path root, int n, int concurrency, WalRecycling recycling) throws RocksDBException {
        RocksDB.loadLibrary();
        try (Options options = recycling.configure(new Options().setCreateIfMissing(true))) {
            for (int i = 0; i < n; i++) participants.add(open(options, root.resolve("p" + i), recycling));
            decisions = open(options, root.resolve("decisions"), recycling);
        }
        this.synced = new WriteOptions().setSync(true);
        this.concurrency = concurrency;
    }

    private static RocksDB open(Options options, Path dir, WalRecycling recycling) throws RocksDBException {
        RocksDB db = RocksDB.open(options, dir.toString());
        try {
            recycling.preWriteLogs(db, db.getDefaultColumnFamily(), List.of(db.getDefaultColumnFamily()));
            return db;
        } catch (RocksDBException | RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** Commit latency and transaction latency are the same thing here: the synced writes. */
    ClosedLoop.Measured run(Duration warmup, Duration measure, LoadHarness.Window window) throws InterruptedException {
        return new LoadHarness(window).run("floor", concurrency, this::runOne, warmup, measure);
    }

    private void runOne(int client, long n, LoadHarness harness) {
        byte[] key = ("floor/" + client + "/" + (n % KEYS_PER_CLIENT)).getBytes(StandardCharsets.UTF_8);
        byte[] value = Long.toString(n + 1).getBytes(StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        try {
            for (RocksDB p : participants) p.put(synced, key, value);
            decisions.put(synced, key, value);
            harness.committed(t0, t0, System.nanoTime());
        } catch (RocksDBException e) {
            harness.failed("floor write failed: " + e);
        }
    }

    @Override
    public void close() {
        participants.forEach(RocksDB::close);
        decisions.close();
        synced.close();
    }
}
