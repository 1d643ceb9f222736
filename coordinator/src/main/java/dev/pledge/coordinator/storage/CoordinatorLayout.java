package dev.pledge.coordinator.storage;

import dev.pledge.coordinator.protocol.Record;
import dev.pledge.core.TxId;
import dev.pledge.runtime.KvOp;
import dev.pledge.runtime.KvView;
import dev.pledge.runtime.Layout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The decision log's layout, the only definition of it: one key for the epoch, one for the
 * storage identity, one for the last FORGET that carried a watermark, and one per (transaction,
 * record kind), so that key order is replay order (ONE_PHASE, COMMIT, ABORT, END per
 * transaction, transactions by epoch and sequence). FORGET deletes the transaction's keys.
 * {@link DecisionLog} applies it to RocksDB; the simulator applies it to its own store.
 */
public final class CoordinatorLayout implements Layout<Record> {
    public static final CoordinatorLayout INSTANCE = new CoordinatorLayout();
    /** The decision log keeps everything in RocksDB's default family. */
    public static final String FAMILY = "default";

    private CoordinatorLayout() {}

    @Override
    public List<String> families() {
        return List.of(FAMILY);
    }

    @Override
    public void ops(Record r, List<KvOp> out) {
        if (r instanceof Record.Forget f) {
            for (byte[] key : RecordCodec.allTxKeys(f.txId())) out.add(KvOp.delete(FAMILY, key));
            if (f.watermark() != null) out.add(KvOp.put(FAMILY, RecordCodec.WATERMARK_KEY, RecordCodec.encode(r)));
            return;
        }
        out.add(KvOp.put(FAMILY, keyOf(r), RecordCodec.encode(r)));
    }

    private static byte[] keyOf(Record r) {
        if (r instanceof Record.Epoch) return RecordCodec.EPOCH_KEY;
        if (r instanceof Record.Storage) return RecordCodec.STORAGE_KEY;
        if (r instanceof Record.Commit c) return RecordCodec.txKey(c.txId(), RecordCodec.TAG_COMMIT);
        if (r instanceof Record.OnePhase o) return RecordCodec.txKey(o.txId(), RecordCodec.TAG_ONE_PHASE);
        if (r instanceof Record.Abort a) return RecordCodec.txKey(a.txId(), RecordCodec.TAG_ABORT);
        if (r instanceof Record.End e) return RecordCodec.txKey(e.txId(), RecordCodec.TAG_END);
        throw new IllegalArgumentException("no place in the decision log for " + r);
    }

    /** Every record, in replay order: epoch, watermark, storage, then each transaction's records. */
    @Override
    public List<Record> read(KvView store) throws IOException {
        List<Record> records = new ArrayList<>();
        store.decodeAll(FAMILY, (key, value) -> RecordCodec.decode(value), records);
        return records;
    }

    /** True if the store holds a COMMIT record for {@code tx}. */
    public static boolean hasCommit(KvView store, TxId tx) {
        return store.get(FAMILY, RecordCodec.txKey(tx, RecordCodec.TAG_COMMIT)) != null;
    }
}
