package dev.pledge.sim;

import dev.pledge.runtime.KvOp;
import dev.pledge.runtime.Layout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A disk that loses unsynced writes at a crash. Each write is one batch (a RocksDB WriteBatch)
 * laid out by the node's production {@link Layout}; a synced write makes it and every earlier
 * batch durable. A crash keeps a prefix of the unsynced batches (a write-ahead log loses a
 * suffix) and drops the rest; a wipe loses everything.
 *
 * @param <V> the node's read-only view of its store, for its boot and for the checkers
 */
final class SimDisk<R, V> {
    /** A limit on unsynced batches; the protocol syncs often, so reaching it means a runaway writer. */
    private static final int UNSYNCED_BATCHES_MAX = 100_000;

    private final Layout<R> layout;
    private final Function<SimKv, V> view;
    private SimKv durable = new SimKv();
    private final List<List<R>> unsynced = new ArrayList<>();
    private long batchesWritten;
    private long syncs;
    /** Views handed out since the last change (the checker reads them after every step). */
    private V durableView;
    private V currentView;

    SimDisk(Layout<R> layout, Function<SimKv, V> view) {
        this.layout = layout;
        this.view = view;
    }

    @SuppressWarnings("unchecked")
    void write(List<?> records, boolean sync) {
        if (records.isEmpty() && !sync) return;
        changed();
        if (!records.isEmpty()) {
            if (unsynced.size() >= UNSYNCED_BATCHES_MAX) throw new IllegalStateException("too many unsynced batches");
            unsynced.add(List.copyOf((List<R>) records));
            batchesWritten++;
        }
        if (sync) {
            syncs++;
            for (List<R> b : unsynced) apply(durable, b);
            unsynced.clear();
        }
    }

    /** Writes straight to the durable store, before the run starts (the demo's seed data). */
    void seed(List<KvOp> ops) {
        changed();
        ops.forEach(durable::apply);
    }

    private void apply(SimKv store, List<R> batch) {
        List<KvOp> ops = new ArrayList<>();
        for (R r : batch) layout.ops(r, ops);
        ops.forEach(store::apply);
    }

    /** Crash: the first {@code kept} unsynced batches reach the platter after all, the rest are lost. */
    int crash(int kept) {
        changed();
        int keep = Math.max(0, Math.min(kept, unsynced.size()));
        for (int i = 0; i < keep; i++) apply(durable, unsynced.get(i));
        int lost = unsynced.size() - keep;
        unsynced.clear();
        return lost;
    }

    /** Disk loss: the node comes back on an empty data directory; synced or not, nothing is kept. */
    int wipe() {
        changed();
        int lost = unsynced.size();
        unsynced.clear();
        durable = new SimKv();
        return lost;
    }

    int unsyncedBatches() {
        return unsynced.size();
    }

    /** Durable content only (what survives any crash). */
    V durable() {
        if (durableView == null) durableView = view.apply(durable);
        return durableView;
    }

    /** What a read sees now: durable content plus unsynced batches (RocksDB reads its memtable). */
    V current() {
        if (unsynced.isEmpty()) return durable();
        if (currentView == null) {
            SimKv now = durable.copy();
            for (List<R> b : unsynced) apply(now, b);
            currentView = view.apply(now);
        }
        return currentView;
    }

    private void changed() {
        durableView = null;
        currentView = null;
    }

    long batchesWritten() {
        return batchesWritten;
    }

    long syncs() {
        return syncs;
    }

    String describe() {
        StringBuilder sb = new StringBuilder(durable.describe());
        for (List<R> b : unsynced) sb.append(" +").append(b);
        return sb.toString();
    }
}
