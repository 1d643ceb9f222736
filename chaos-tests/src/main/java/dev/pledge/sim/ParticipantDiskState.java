package dev.pledge.sim;

import dev.pledge.core.TxId;
import dev.pledge.participant.protocol.Record;
import dev.pledge.participant.storage.ParticipantLayout;
import dev.pledge.runtime.KvOp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A simulated participant store read back through the production {@link ParticipantLayout}. A
 * view of the store as it was when {@link SimDisk} handed it out: the disk hands out a new one
 * after every change, so what it computes once stays true.
 */
final class ParticipantDiskState {
    private final SimKv store;
    private Long sum;

    ParticipantDiskState(SimKv store) {
        this.store = store;
    }

    /** A store holding {@code records}, laid out as the node would write them (for tests). */
    static ParticipantDiskState of(Record... records) {
        SimKv kv = new SimKv();
        List<KvOp> ops = new ArrayList<>();
        for (Record r : records) ParticipantLayout.INSTANCE.ops(r, ops);
        ops.forEach(kv::apply);
        return new ParticipantDiskState(kv);
    }

    /** The initial balance of {@code account}, as the seed data the run starts from. */
    static KvOp seed(String account, long balance) {
        return KvOp.put(ParticipantLayout.DATA, account.getBytes(StandardCharsets.UTF_8),
                Long.toString(balance).getBytes(StandardCharsets.UTF_8));
    }

    /** What ParticipantStore.readAll returns: storage, incarnation, then PREPARED, then OUTCOMEs. */
    List<Record> readAll() {
        try {
            return ParticipantLayout.INSTANCE.read(store);
        } catch (IOException e) {
            throw new IllegalStateException("simulated participant store does not decode", e);
        }
    }

    Record.Final outcome(TxId tx) {
        try {
            return ParticipantLayout.outcome(store, tx);
        } catch (IOException e) {
            throw new IllegalStateException("simulated outcome of " + tx + " does not decode", e);
        }
    }

    /** True if {@code tx} holds no outcome here and is at or below its coordinator's durable sweep watermark. */
    boolean swept(TxId tx) {
        if (outcome(tx) != null) return false;
        for (Record r : readAll()) {
            if (r instanceof Record.SweptUpTo s && s.watermark().coordinatorId().equals(tx.coordinatorId())
                    && tx.compareTo(s.watermark()) <= 0) {
                return true;
            }
        }
        return false;
    }

    /** The storage identity this store holds, or 0 before the node's first start synced one. */
    long storageId() {
        try {
            return ParticipantLayout.storageId(store);
        } catch (IOException e) {
            throw new IllegalStateException("simulated storage identity does not decode", e);
        }
    }

    /** Transactions this store holds as COMMITTED. */
    List<TxId> committed() {
        List<TxId> out = new ArrayList<>();
        for (Record r : readAll()) {
            if (r instanceof Record.Concluded c && c.state() == Record.Final.COMMITTED) out.add(c.txId());
        }
        return out;
    }

    Long value(String key) {
        byte[] v = store.get(ParticipantLayout.DATA, key.getBytes(StandardCharsets.UTF_8));
        return v == null ? null : Writes.balance(v);
    }

    long sum() {
        if (sum == null) {
            long[] s = {0};
            store.forEach(ParticipantLayout.DATA, (k, v) -> s[0] += Writes.balance(v));
            sum = s[0];
        }
        return sum;
    }

    TreeMap<String, Long> data() {
        TreeMap<String, Long> out = new TreeMap<>();
        store.forEach(ParticipantLayout.DATA, (k, v) -> out.put(new String(k, StandardCharsets.UTF_8), Writes.balance(v)));
        return out;
    }

    /** Canonical text (records print byte arrays by identity, so only ids and states are shown). */
    String describe() {
        List<String> parts = new ArrayList<>();
        for (Record r : readAll()) {
            if (r instanceof Record.Prepared p) parts.add("prep:" + p.txId());
            else if (r instanceof Record.Concluded c) parts.add("out:" + c.txId() + ":" + c.state());
            else parts.add(r.toString());
        }
        return parts + " data=" + data();
    }
}
