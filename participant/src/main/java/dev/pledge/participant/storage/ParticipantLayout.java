package dev.pledge.participant.storage;

import dev.pledge.core.TxId;
import dev.pledge.participant.protocol.Record;
import dev.pledge.participant.protocol.Write;
import dev.pledge.runtime.KvOp;
import dev.pledge.runtime.KvView;
import dev.pledge.runtime.Layout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A participant store's layout, the only definition of it: families {@code data} (committed
 * key/values), {@code prepared} (PREPARED by transaction), {@code outcomes} (OUTCOME by
 * transaction) and {@code meta} (storage identity, incarnation). An APPLIED record writes the
 * branch's data, drops its PREPARED and stores its outcome, in one batch with everything else.
 * {@link ParticipantStore} applies it to RocksDB; the simulator applies it to its own store.
 */
public final class ParticipantLayout implements Layout<Record> {
    public static final ParticipantLayout INSTANCE = new ParticipantLayout();
    public static final String DEFAULT = "default";
    public static final String DATA = "data";
    public static final String PREPARED = "prepared";
    public static final String OUTCOMES = "outcomes";
    public static final String META = "meta";
    /** Per coordinator id, the highest TxId whose outcome the sweep may have dropped. */
    public static final String SWEPT = "swept";

    private ParticipantLayout() {}

    @Override
    public List<String> families() {
        return List.of(DEFAULT, DATA, PREPARED, OUTCOMES, META, SWEPT);
    }

    @Override
    public void ops(Record r, List<KvOp> out) {
        if (r instanceof Record.Incarnation i) {
            out.add(KvOp.put(META, RecordCodec.INCARNATION_KEY, RecordCodec.longValue(i.number())));
        } else if (r instanceof Record.Storage st) {
            out.add(KvOp.put(META, RecordCodec.STORAGE_KEY, RecordCodec.longValue(st.storageId())));
        } else if (r instanceof Record.Prepared p) {
            out.add(KvOp.put(PREPARED, RecordCodec.txKey(p.txId()), RecordCodec.prepared(p)));
        } else if (r instanceof Record.Applied a) {
            for (Write w : a.writes()) {
                out.add(w.isDelete() ? KvOp.delete(DATA, w.key().bytes()) : KvOp.put(DATA, w.key().bytes(), w.value()));
            }
            conclude(a.txId(), a.outcome(), a.atMs(), out);
        } else if (r instanceof Record.Concluded c) {
            conclude(c.txId(), c.state(), c.atMs(), out);
        } else if (r instanceof Record.OutcomeForgotten f) {
            out.add(KvOp.delete(OUTCOMES, RecordCodec.txKey(f.txId())));
        } else if (r instanceof Record.SweptUpTo s) {
            out.add(KvOp.put(SWEPT, RecordCodec.sweptKey(s.watermark().coordinatorId()), RecordCodec.txKey(s.watermark())));
        } else {
            throw new IllegalArgumentException("no place in a participant store for " + r);
        }
    }

    /** The key/value changes of {@code records}, in order: one atomic batch. */
    public List<KvOp> ops(List<Record> records) {
        List<KvOp> out = new ArrayList<>();
        for (Record r : records) ops(r, out);
        return out;
    }

    /** {@code records} as one encoded batch: what one entry of a replicated shard's log carries. */
    public byte[] encodeBatch(List<Record> records) {
        return RecordCodec.batch(ops(records));
    }

    /** The changes of a batch made by {@link #encodeBatch}; fails on a family this layout does not have. */
    public List<KvOp> decodeBatch(byte[] batch) throws IOException {
        List<KvOp> ops = RecordCodec.decodeBatch(batch);
        for (KvOp op : ops) {
            if (!families().contains(op.family())) throw new IOException("a participant store has no family " + op.family());
        }
        return ops;
    }

    /** Records, in the batch it rides with, that the store now holds the replicated log up to {@code p}. */
    public static KvOp replicatedUpTo(ReplicatedPosition p) {
        return KvOp.put(META, RecordCodec.REPLICATED_KEY, RecordCodec.position(p));
    }

    /** How far the replicated log has been applied to {@code store}, or null if it never was. */
    public static ReplicatedPosition replicatedPosition(KvView store) throws IOException {
        byte[] v = store.get(META, RecordCodec.REPLICATED_KEY);
        return v == null ? null : RecordCodec.decodePosition(v);
    }

    private static void conclude(TxId tx, Record.Final state, long atMs, List<KvOp> out) {
        byte[] key = RecordCodec.txKey(tx);
        out.add(KvOp.delete(PREPARED, key));
        out.add(KvOp.put(OUTCOMES, key, RecordCodec.outcome(state, atMs)));
    }

    /** Every durable record, for recovery: the storage identity, the incarnation, PREPARED branches, OUTCOMEs, sweep watermarks. */
    @Override
    public List<Record> read(KvView store) throws IOException {
        List<Record> out = new ArrayList<>();
        byte[] storage = store.get(META, RecordCodec.STORAGE_KEY);
        if (storage != null) out.add(new Record.Storage(RecordCodec.decodeLong(storage)));
        byte[] inc = store.get(META, RecordCodec.INCARNATION_KEY);
        if (inc != null) out.add(new Record.Incarnation(RecordCodec.decodeLong(inc)));
        store.decodeAll(PREPARED, (key, value) -> RecordCodec.decodePrepared(RecordCodec.decodeTxKey(key), value), out);
        store.decodeAll(OUTCOMES, (key, value) -> RecordCodec.decodeOutcome(RecordCodec.decodeTxKey(key), value), out);
        store.decodeAll(SWEPT, (key, value) -> new Record.SweptUpTo(RecordCodec.decodeTxKey(value)), out);
        return out;
    }

    /** The outcome {@code store} holds for {@code tx}, or null. */
    public static Record.Final outcome(KvView store, TxId tx) throws IOException {
        byte[] v = store.get(OUTCOMES, RecordCodec.txKey(tx));
        return v == null ? null : RecordCodec.decodeOutcome(tx, v).state();
    }

    /** The storage identity {@code store} holds, or 0 before the node's first start synced one. */
    public static long storageId(KvView store) throws IOException {
        byte[] v = store.get(META, RecordCodec.STORAGE_KEY);
        return v == null ? 0 : RecordCodec.decodeLong(v);
    }
}
