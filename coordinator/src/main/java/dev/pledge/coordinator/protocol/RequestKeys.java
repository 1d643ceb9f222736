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
 * <p>Open addressing with linear probing, at most half full, with backward-shift deletion. Not
 * thread-safe.
 */
final class RequestKeys {
    private static final int CAPACITY_MIN = 1 << 4;

    /** The request key the ledger holds for a TxId, or null. */
    private final Function<TxId, String> keyOf;
    /** Coordinator ids by code: this node's, and an earlier name's if its log was kept across a rename. */
    private final List<String> coordinatorIds = new ArrayList<>();
    private int[] keyHash = new int[CAPACITY_MIN];
    private int[] coordinator = new int[CAPACITY_MIN];
    private long[] epoch = new long[CAPACITY_MIN];
    /** 0: an empty slot (a TxId's sequence is at least 1). */
    private long[] sequence = new long[CAPACITY_MIN];
    private int size;

    RequestKeys(Function<TxId, String> keyOf) {
        this.keyOf = keyOf;
    }

    int size() {
        return size;
    }

    /** The transaction {@code key} names, or null. */
    TxId get(String key) {
        int slot = find(key);
        return slot < 0 ? null : txIdAt(slot);
    }

    /** Indexes {@code key} for {@code id}, whose request key {@code keyOf} must answer from now on; false if already indexed. */
    boolean add(String key, TxId id) {
        Check.notNull(key, "key");
        if (find(key) >= 0) return false;
        if ((size + 1) * 2 > sequence.length) resize(sequence.length * 2);
        int slot = home(key.hashCode());
        while (sequence[slot] != 0) slot = next(slot);
        put(slot, key.hashCode(), code(id.coordinatorId()), id.epoch(), id.sequence());
        size++;
        return true;
    }

    /** Removes {@code key}'s entry for {@code id}, if there is one; needs no {@code keyOf}, which may have forgotten id. */
    void remove(String key, TxId id) {
        int hash = key.hashCode();
        for (int slot = home(hash); sequence[slot] != 0; slot = next(slot)) {
            if (keyHash[slot] != hash || sequence[slot] != id.sequence() || epoch[slot] != id.epoch()
                    || !coordinatorIds.get(coordinator[slot]).equals(id.coordinatorId())) continue;
            clear(slot);
            size--;
            if (sequence.length > CAPACITY_MIN && size * 8 < sequence.length) resize(sequence.length / 2);
            return;
        }
    }

    private int find(String key) {
        int hash = key.hashCode();
        for (int slot = home(hash); sequence[slot] != 0; slot = next(slot)) {
            if (keyHash[slot] == hash && key.equals(keyOf.apply(txIdAt(slot)))) return slot;
        }
        return -1;
    }

    /** Empties {@code slot}, shifting back the entries that probed past it, so that no tombstone is needed. */
    private void clear(int slot) {
        int hole = slot;
        for (int at = next(hole); sequence[at] != 0; at = next(at)) {
            int home = home(keyHash[at]);
            boolean homeAfterHole = hole <= at ? home > hole && home <= at : home > hole || home <= at;
            if (homeAfterHole) continue;
            put(hole, keyHash[at], coordinator[at], epoch[at], sequence[at]);
            hole = at;
        }
        sequence[hole] = 0;
    }

    private void resize(int capacity) {
        int[] oldHash = keyHash;
        int[] oldCoordinator = coordinator;
        long[] oldEpoch = epoch;
        long[] oldSequence = sequence;
        keyHash = new int[capacity];
        coordinator = new int[capacity];
        epoch = new long[capacity];
        sequence = new long[capacity];
        for (int i = 0; i < oldSequence.length; i++) {
            if (oldSequence[i] == 0) continue;
            int slot = home(oldHash[i]);
            while (sequence[slot] != 0) slot = next(slot);
            put(slot, oldHash[i], oldCoordinator[i], oldEpoch[i], oldSequence[i]);
        }
    }

    private void put(int slot, int hash, int coordinatorCode, long epochValue, long sequenceValue) {
        keyHash[slot] = hash;
        coordinator[slot] = coordinatorCode;
        epoch[slot] = epochValue;
        sequence[slot] = sequenceValue;
    }

    private TxId txIdAt(int slot) {
        return new TxId(coordinatorIds.get(coordinator[slot]), epoch[slot], sequence[slot]);
    }

    private int code(String coordinatorId) {
        int code = coordinatorIds.indexOf(coordinatorId);
        if (code >= 0) return code;
        coordinatorIds.add(coordinatorId);
        return coordinatorIds.size() - 1;
    }

    private int home(int hash) {
        int h = hash * 0x9E3779B9;
        return (h ^ (h >>> 16)) & (sequence.length - 1);
    }

    private int next(int slot) {
        return (slot + 1) & (sequence.length - 1);
    }
}
