package dev.pledge.coordinator.protocol;

import dev.pledge.core.Check;
import dev.pledge.core.TxId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Request key to TxId, for every write-only transaction the coordinator holds (live or archived),
 * kept in arrays of primitives: a key's hash and its TxId's parts, no object and no reference per
 * key. The key itself is read back through the transaction it names ({@code keyOf}), which holds
 * it anyway. Why: an index of map entries added an entry and kept a TxId alive per transaction
 * for the whole retention, which every young collection of the heap copied; and a table of
 * references written at random slots makes a young collection scan all of it.
 *
 * <p>Open addressing with linear probing in 64 tables, each at most half full, with backward-shift
 * deletion. Not thread-safe.
 */
final class RequestKeys {
    /** Tables chosen by a hash's top bits, each grown on its own (see {@link dev.pledge.core.TxIdMap}'s index). */
    private static final int SEGMENT_BITS = 6;
    private static final int CAPACITY_MIN = 1 << 4;

    /** The request key the ledger holds for a TxId, or null. */
    private final Function<TxId, String> keyOf;
    /** Coordinator ids by code: this node's, and an earlier name's if its log was kept across a rename. */
    private final List<String> coordinatorIds = new ArrayList<>();
    private final Table[] tables = new Table[1 << SEGMENT_BITS];

    /** One segment: parallel columns, at most half full. */
    private static final class Table {
        final int[] keyHash;
        final int[] coordinator;
        final long[] epoch;
        /** 0: an empty slot (a TxId's sequence is at least 1). */
        final long[] sequence;
        int size;

        Table(int capacity) {
            keyHash = new int[capacity];
            coordinator = new int[capacity];
            epoch = new long[capacity];
            sequence = new long[capacity];
        }

        int home(int hash) {
            return (int) (mixed(hash) >>> 20) & (sequence.length - 1);
        }

        int next(int slot) {
            return (slot + 1) & (sequence.length - 1);
        }

        void put(int slot, int hash, int coordinatorCode, long epochValue, long sequenceValue) {
            keyHash[slot] = hash;
            coordinator[slot] = coordinatorCode;
            epoch[slot] = epochValue;
            sequence[slot] = sequenceValue;
        }

        void add(int hash, int coordinatorCode, long epochValue, long sequenceValue) {
            int slot = home(hash);
            while (sequence[slot] != 0) slot = next(slot);
            put(slot, hash, coordinatorCode, epochValue, sequenceValue);
            size++;
        }

        /** Empties {@code slot}, shifting back the entries that probed past it, so that no tombstone is needed. */
        void clear(int slot) {
            int hole = slot;
            for (int at = next(hole); sequence[at] != 0; at = next(at)) {
                int home = home(keyHash[at]);
                boolean homeAfterHole = hole <= at ? home > hole && home <= at : home > hole || home <= at;
                if (homeAfterHole) continue;
                put(hole, keyHash[at], coordinator[at], epoch[at], sequence[at]);
                hole = at;
            }
            sequence[hole] = 0;
            size--;
        }

        Table resized(int capacity) {
            Table t = new Table(capacity);
            for (int i = 0; i < sequence.length; i++) {
                if (sequence[i] != 0) t.add(keyHash[i], coordinator[i], epoch[i], sequence[i]);
            }
            return t;
        }
    }

    RequestKeys(Function<TxId, String> keyOf) {
        this.keyOf = keyOf;
        for (int i = 0; i < tables.length; i++) tables[i] = new Table(CAPACITY_MIN);
    }

    int size() {
        int size = 0;
        for (Table t : tables) size += t.size;
        return size;
    }

    /** Slots of every table together (for tests): about two to eight per key. */
    long slots() {
        long slots = 0;
        for (Table t : tables) slots += t.sequence.length;
        return slots;
    }

    /** The transaction {@code key} names, or null. */
    TxId get(String key) {
        Table t = tables[segmentOf(key.hashCode())];
        int slot = find(t, key);
        return slot < 0 ? null : txIdAt(t, slot);
    }

    /** Indexes {@code key} for {@code id}, whose request key {@code keyOf} must answer from now on; false if already indexed. */
    boolean add(String key, TxId id) {
        Check.notNull(key, "key");
        int hash = key.hashCode();
        int segment = segmentOf(hash);
        if (find(tables[segment], key) >= 0) return false;
        Table t = tables[segment];
        if ((t.size + 1) * 2 > t.sequence.length) t = tables[segment] = t.resized(t.sequence.length * 2);
        t.add(hash, code(id.coordinatorId()), id.epoch(), id.sequence());
        return true;
    }

    /** Removes {@code key}'s entry for {@code id}, if there is one; needs no {@code keyOf}, which may have forgotten id. */
    void remove(String key, TxId id) {
        int hash = key.hashCode();
        int segment = segmentOf(hash);
        Table t = tables[segment];
        for (int slot = t.home(hash); t.sequence[slot] != 0; slot = t.next(slot)) {
            if (t.keyHash[slot] != hash || t.sequence[slot] != id.sequence() || t.epoch[slot] != id.epoch()
                    || !coordinatorIds.get(t.coordinator[slot]).equals(id.coordinatorId())) continue;
            t.clear(slot);
            if (t.sequence.length > CAPACITY_MIN && t.size * 8 < t.sequence.length) {
                tables[segment] = t.resized(t.sequence.length / 2);
            }
            return;
        }
    }

    private int find(Table t, String key) {
        int hash = key.hashCode();
        for (int slot = t.home(hash); t.sequence[slot] != 0; slot = t.next(slot)) {
            if (t.keyHash[slot] == hash && key.equals(keyOf.apply(txIdAt(t, slot)))) return slot;
        }
        return -1;
    }

    private TxId txIdAt(Table t, int slot) {
        return new TxId(coordinatorIds.get(t.coordinator[slot]), t.epoch[slot], t.sequence[slot]);
    }

    private int code(String coordinatorId) {
        int code = coordinatorIds.indexOf(coordinatorId);
        if (code >= 0) return code;
        coordinatorIds.add(coordinatorId);
        return coordinatorIds.size() - 1;
    }

    private static long mixed(int hash) {
        return hash * 0x9E3779B97F4A7C15L;
    }

    private static int segmentOf(int hash) {
        return (int) (mixed(hash) >>> (Long.SIZE - SEGMENT_BITS));
    }
}
