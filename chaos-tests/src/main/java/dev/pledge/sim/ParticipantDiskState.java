package dev.pledge.sim;

import dev.pledge.core.TxId;
import dev.pledge.participant.protocol.Record;
import dev.pledge.participant.protocol.Write;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A participant's store as ParticipantStore lays it out: the incarnation, PREPARED by tx, OUTCOME
 * by tx, and committed data. An Applied record writes data, drops PREPARED and adds OUTCOME.
 */
final class ParticipantDiskState implements DiskState<ParticipantDiskState> {
    private Record.Incarnation incarnation;
    private Record.Storage storage;
    private final TreeMap<TxId, Record.Prepared> prepared = new TreeMap<>();
    private final TreeMap<TxId, Record.Concluded> outcomes = new TreeMap<>();
    private final TreeMap<String, Long> data = new TreeMap<>();

    @Override
    public ParticipantDiskState copy() {
        ParticipantDiskState c = new ParticipantDiskState();
        c.incarnation = incarnation;
        c.storage = storage;
        c.prepared.putAll(prepared);
        c.outcomes.putAll(outcomes);
        c.data.putAll(data);
        return c;
    }

    @Override
    public void apply(Object record) {
        if (record instanceof Record.Incarnation i) {
            incarnation = i;
        } else if (record instanceof Record.Storage st) {
            storage = st;
        } else if (record instanceof Record.Prepared p) {
            prepared.put(p.txId(), p);
        } else if (record instanceof Record.Applied a) {
            for (Write w : a.writes()) {
                String key = new String(w.key().bytes(), StandardCharsets.UTF_8);
                if (w.isDelete()) data.remove(key);
                else data.put(key, Writes.balance(w.value()));
            }
            prepared.remove(a.txId());
            outcomes.put(a.txId(), new Record.Concluded(a.txId(), Record.Final.COMMITTED, a.atMs()));
        } else if (record instanceof Record.Concluded c) {
            prepared.remove(c.txId());
            outcomes.put(c.txId(), c);
        } else if (record instanceof Record.OutcomeForgotten f) {
            outcomes.remove(f.txId());
        } else if (record instanceof SeedData s) {
            data.put(s.key(), s.value());
        } else {
            throw new IllegalStateException("unknown participant record " + record);
        }
    }

    /** Initial account balances, written before the simulation starts. */
    record SeedData(String key, long value) {}

    /** What ParticipantStore.readAll returns: incarnation, then PREPARED, then OUTCOMEs as Concluded. */
    List<Record> readAll() {
        List<Record> out = new ArrayList<>();
        if (storage != null) out.add(storage);
        if (incarnation != null) out.add(incarnation);
        out.addAll(prepared.values());
        out.addAll(outcomes.values());
        return out;
    }

    Record.Final outcome(TxId tx) {
        Record.Concluded c = outcomes.get(tx);
        return c == null ? null : c.state();
    }

    /** The storage identity this store holds, or 0 before the node's first start synced one. */
    long storageId() {
        return storage == null ? 0 : storage.storageId();
    }

    /** Transactions this store holds as COMMITTED. */
    List<TxId> committed() {
        List<TxId> out = new ArrayList<>();
        outcomes.forEach((tx, c) -> {
            if (c.state() == Record.Final.COMMITTED) out.add(tx);
        });
        return out;
    }

    Long value(String key) {
        return data.get(key);
    }

    long sum() {
        long s = 0;
        for (long v : data.values()) s += v;
        return s;
    }

    TreeMap<String, Long> data() {
        return new TreeMap<>(data);
    }

    @Override
    public String describe() {
        return "inc=" + (incarnation == null ? 0 : incarnation.number()) + " prep=" + prepared.keySet()
                + " out=" + outcomes.values().stream().map(c -> c.txId() + ":" + c.state()).toList() + " data=" + data;
    }
}
