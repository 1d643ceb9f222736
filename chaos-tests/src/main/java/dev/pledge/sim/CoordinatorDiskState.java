package dev.pledge.sim;

import dev.pledge.coordinator.protocol.Record;
import dev.pledge.core.TxId;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The decision log as DecisionLog lays it out: one key for the epoch, one for the last FORGET that
 * carried a watermark, and one per (transaction, record kind) in replay order ONE_PHASE, COMMIT,
 * ABORT, END. FORGET deletes the transaction's keys.
 */
final class CoordinatorDiskState implements DiskState<CoordinatorDiskState> {
    private Record.Epoch epoch;
    private Record.Storage storage;
    private Record.Forget watermark;
    private final TreeMap<TxId, TreeMap<Integer, Record>> txs = new TreeMap<>(CoordinatorDiskState::keyOrder);

    /** DecisionLog keys order transactions by (epoch, sequence) only. */
    private static int keyOrder(TxId a, TxId b) {
        int c = Long.compare(a.epoch(), b.epoch());
        return c != 0 ? c : Long.compare(a.sequence(), b.sequence());
    }

    @Override
    public CoordinatorDiskState copy() {
        CoordinatorDiskState c = new CoordinatorDiskState();
        c.epoch = epoch;
        c.storage = storage;
        c.watermark = watermark;
        txs.forEach((id, recs) -> c.txs.put(id, new TreeMap<>(recs)));
        return c;
    }

    @Override
    public void apply(Object record) {
        if (record instanceof Record.Epoch e) {
            epoch = e;
        } else if (record instanceof Record.Storage st) {
            storage = st;
        } else if (record instanceof Record.Forget f) {
            txs.remove(f.txId());
            if (f.watermark() != null) watermark = f;
        } else if (record instanceof Record.OnePhase r) {
            put(r.txId(), 2, r);
        } else if (record instanceof Record.Commit r) {
            put(r.txId(), 3, r);
        } else if (record instanceof Record.Abort r) {
            put(r.txId(), 4, r);
        } else if (record instanceof Record.End r) {
            put(r.txId(), 5, r);
        } else {
            throw new IllegalStateException("unknown coordinator record " + record);
        }
    }

    private void put(TxId id, int tag, Record r) {
        txs.computeIfAbsent(id, k -> new TreeMap<>()).put(tag, r);
    }

    /** What DecisionLog.readAll returns, in key order. */
    List<Record> readAll() {
        List<Record> out = new ArrayList<>();
        if (epoch != null) out.add(epoch);
        if (watermark != null) out.add(watermark);
        if (storage != null) out.add(storage);
        txs.values().forEach(recs -> out.addAll(recs.values()));
        return out;
    }

    boolean hasCommit(TxId tx) {
        TreeMap<Integer, Record> recs = txs.get(tx);
        return recs != null && recs.containsKey(3);
    }

    @Override
    public String describe() {
        return "epoch=" + (epoch == null ? 0 : epoch.epoch()) + " wm=" + (watermark == null ? "-" : watermark.watermark())
                + " txs=" + txs;
    }
}
