package dev.pledge.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A disk that loses unsynced writes at a crash. Each write is one batch (RocksDB WriteBatch); a
 * synced write makes it and every earlier batch durable. A crash keeps a prefix of the unsynced
 * batches (a write-ahead log loses a suffix) and drops the rest; a wipe loses everything.
 */
final class SimDisk<S extends DiskState<S>> {
    /** A limit on unsynced batches; the protocol syncs often, so reaching it means a runaway writer. */
    private static final int UNSYNCED_BATCHES_MAX = 100_000;

    private final Supplier<S> empty;
    private S durable;
    private final List<List<Object>> unsynced = new ArrayList<>();
    private long batchesWritten;
    private long syncs;

    SimDisk(Supplier<S> empty) {
        this.empty = empty;
        this.durable = empty.get();
    }

    void write(List<?> records, boolean sync) {
        if (records.isEmpty() && !sync) return;
        if (!records.isEmpty()) {
            if (unsynced.size() >= UNSYNCED_BATCHES_MAX) throw new IllegalStateException("too many unsynced batches");
            unsynced.add(List.copyOf(records));
            batchesWritten++;
        }
        if (sync) {
            syncs++;
            for (List<Object> b : unsynced) b.forEach(durable::apply);
            unsynced.clear();
        }
    }

    /** Crash: the first {@code kept} unsynced batches reach the platter after all, the rest are lost. */
    int crash(int kept) {
        int keep = Math.max(0, Math.min(kept, unsynced.size()));
        for (int i = 0; i < keep; i++) unsynced.get(i).forEach(durable::apply);
        int lost = unsynced.size() - keep;
        unsynced.clear();
        return lost;
    }

    /** Disk loss: the node comes back on an empty data directory; synced or not, nothing is kept. */
    int wipe() {
        int lost = unsynced.size();
        unsynced.clear();
        durable = empty.get();
        return lost;
    }

    int unsyncedBatches() {
        return unsynced.size();
    }

    /** Durable content only (what survives any crash). */
    S durable() {
        return durable;
    }

    /** What a read sees now: durable content plus unsynced batches (RocksDB reads its memtable). */
    S current() {
        if (unsynced.isEmpty()) return durable;
        S view = durable.copy();
        for (List<Object> b : unsynced) b.forEach(view::apply);
        return view;
    }

    long batchesWritten() {
        return batchesWritten;
    }

    long syncs() {
        return syncs;
    }

    String describe() {
        StringBuilder sb = new StringBuilder(durable.describe());
        for (List<Object> b : unsynced) sb.append(" +").append(b);
        return sb.toString();
    }
}
