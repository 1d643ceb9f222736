package dev.pledge.core;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.BiConsumer;

/**
 * A map from {@link TxId} in insertion order, like a {@link java.util.LinkedHashMap} whose
 * {@link #put} moves a key to the end, that holds no object per entry: keys live as columns of
 * arrays (coordinator id reference, epoch, sequence) in chunks of {@link #CHUNK_SLOTS_DEFAULT},
 * one chunk after another in insertion order, and tables of longs find a key's slot.
 *
 * <p>Why: a node remembers every outcome until its retention passes, hundreds of thousands at a
 * time, and takes in thousands a second. Kept as map entries, each outcome is two or three objects
 * (entry, TxId, value) that survive a young collection of the heap and are copied by it, object by
 * object: at 16,000 commits a second the coordinator's young pauses took 18-24 ms and a
 * participant's 7-12 ms, and a pause is a commit's tail latency. Here an entry costs about 50
 * bytes of arrays: the chunk being filled is copied once, as a few arrays; a full chunk is only
 * ever written again to clear a slot; a table of longs holds no reference for a collection to scan.
 *
 * <p>Entries are removed mostly from the oldest end (retention), which drops whole chunks. A
 * chunk with one entry left keeps its arrays, so memory is the live entries plus, at worst, one
 * chunk per live entry that outlives every neighbour: bounded, and not met by oldest-first removal.
 * Not thread-safe; {@code null} keys and values are refused.
 *
 * @param <V> the value type
 */
public final class TxIdMap<V> {
    /** Slots per chunk by default: 4 Ki, about 96 KB of arrays. */
    public static final int CHUNK_SLOTS_DEFAULT = 1 << 12;
    /**
     * The index is this many tables, chosen by a key hash's top bits, each grown and shrunk on its
     * own: a million entries make 64 tables of 256 KB, not one of 16 MB that a young collection
     * would copy whole in the pause after it grew (a 36 ms pause in a bench run).
     */
    private static final int SEGMENT_BITS = 6;
    private static final int INDEX_CAPACITY_MIN = 1 << 4;
    /** A table holds at most one live position per two slots (linear probing stays short). */
    private static final int INDEX_LOAD_DIVISOR = 2;

    private final int chunkSlots;
    /** Chunks oldest first; null where every entry of a chunk older than the newest was removed. */
    private final List<Chunk> chunks = new ArrayList<>();
    /** The position of slot 0 of {@code chunks.get(0)}. */
    private long firstPosition;
    /** The position the next entry takes; positions only grow. */
    private long nextPosition;
    /** No live entry sits before this position. */
    private long headPosition;
    private int size;
    /** Per segment, open addressing with linear probing: position + 1 of a live entry, or 0 for an empty slot. */
    private final long[][] index = new long[1 << SEGMENT_BITS][];
    private final int[] indexed = new int[1 << SEGMENT_BITS];

    private static final class Chunk {
        final String[] coordinatorId;
        final long[] epoch;
        final long[] sequence;
        /** null: not written yet, or removed. */
        final Object[] value;
        int live;

        Chunk(int slots) {
            coordinatorId = new String[slots];
            epoch = new long[slots];
            sequence = new long[slots];
            value = new Object[slots];
        }
    }

    public TxIdMap() {
        this(CHUNK_SLOTS_DEFAULT);
    }

    public TxIdMap(int chunkSlots) {
        Check.argument(chunkSlots > 0, "chunkSlots must be > 0, was %s", chunkSlots);
        this.chunkSlots = chunkSlots;
        for (int segment = 0; segment < index.length; segment++) index[segment] = new long[INDEX_CAPACITY_MIN];
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Chunks that hold arrays now (for tests and metrics). */
    public int chunks() {
        int held = 0;
        for (Chunk c : chunks) if (c != null) held++;
        return held;
    }

    /** Slots of the index's tables together (for tests and metrics): about two to eight per entry. */
    public long indexSlots() {
        long slots = 0;
        for (long[] table : index) slots += table.length;
        return slots;
    }

    public V get(TxId key) {
        long position = find(key);
        return position < 0 ? null : valueAt(position);
    }

    public boolean containsKey(TxId key) {
        return find(key) >= 0;
    }

    /** Maps {@code key} to {@code value} as the newest entry (moving it there if present); returns the old value. */
    public V put(TxId key, V value) {
        Check.notNull(key, "key");
        Check.notNull(value, "value");
        V old = remove(key);
        append(key, value);
        return old;
    }

    /** Maps {@code key} to {@code value} as the newest entry unless it is present; returns the present value, or null. */
    public V putIfAbsent(TxId key, V value) {
        Check.notNull(key, "key");
        Check.notNull(value, "value");
        V present = get(key);
        if (present != null) return present;
        append(key, value);
        return null;
    }

    public V remove(TxId key) {
        if (key == null) return null;
        long hash = hash(key.coordinatorId(), key.epoch(), key.sequence());
        long[] table = index[segmentOf(hash)];
        for (int slot = slotOf(hash, table); table[slot] != 0; slot = (slot + 1) & (table.length - 1)) {
            long position = table[slot] - 1;
            if (!keyAt(position, key)) continue;
            V old = valueAt(position);
            unindex(segmentOf(hash), slot);
            clear(position);
            return old;
        }
        return null;
    }

    /** The oldest entry, or null if empty. */
    public Map.Entry<TxId, V> oldest() {
        if (size == 0) return null;
        while (valueAt(headPosition) == null) headPosition++;
        return entryAt(headPosition);
    }

    /** Every entry, oldest first. */
    public void forEach(BiConsumer<? super TxId, ? super V> action) {
        for (Map.Entry<TxId, V> e : entries()) action.accept(e.getKey(), e.getValue());
    }

    /** Every entry, oldest first; the map must not change while it is iterated. */
    public Iterable<Map.Entry<TxId, V>> entries() {
        return () -> new Iterator<>() {
            private long position = headPosition;
            private int left = size;

            @Override
            public boolean hasNext() {
                return left > 0;
            }

            @Override
            public Map.Entry<TxId, V> next() {
                if (left == 0) throw new NoSuchElementException();
                while (valueAt(position) == null) position++;
                left--;
                return entryAt(position++);
            }
        };
    }

    private void append(TxId key, V value) {
        int offset = (int) ((nextPosition - firstPosition) % chunkSlots);
        if (offset == 0) {
            chunks.add(new Chunk(chunkSlots));
            dropEmptied(chunks.size() - 2); // the chunk just filled may have been emptied already
        }
        Chunk chunk = chunks.get(chunks.size() - 1);
        chunk.coordinatorId[offset] = key.coordinatorId();
        chunk.epoch[offset] = key.epoch();
        chunk.sequence[offset] = key.sequence();
        chunk.value[offset] = value;
        chunk.live++;
        long hash = hash(key.coordinatorId(), key.epoch(), key.sequence());
        int segment = segmentOf(hash);
        if ((long) (indexed[segment] + 1) * INDEX_LOAD_DIVISOR > index[segment].length) {
            resizeIndex(segment, index[segment].length * 2);
        }
        long[] table = index[segment];
        int slot = slotOf(hash, table);
        while (table[slot] != 0) slot = (slot + 1) & (table.length - 1);
        table[slot] = nextPosition + 1;
        indexed[segment]++;
        nextPosition++;
        size++;
    }

    /** Empties the entry at {@code position}, already out of the index, and drops chunks left empty. */
    private void clear(long position) {
        int c = chunkOf(position);
        Chunk chunk = chunks.get(c);
        chunk.value[(int) ((position - firstPosition) % chunkSlots)] = null;
        chunk.coordinatorId[(int) ((position - firstPosition) % chunkSlots)] = null;
        chunk.live--;
        size--;
        dropEmptied(c);
        if (size == 0) headPosition = nextPosition;
    }

    /** Drops chunk {@code c} if it is filled (not the newest) and empty, and any dropped chunks at the head. */
    private void dropEmptied(int c) {
        if (c < 0 || c >= chunks.size() - 1 || chunks.get(c) == null || chunks.get(c).live > 0) return;
        chunks.set(c, null);
        while (chunks.get(0) == null) {
            chunks.remove(0);
            firstPosition += chunkSlots;
        }
        if (headPosition < firstPosition) headPosition = firstPosition;
    }

    /**
     * Linear-probing deletion from a segment's table: shifts back the entries that probed past
     * {@code slot}, so no tombstone is needed; then shrinks the table if it is mostly empty.
     */
    private void unindex(int segment, int slot) {
        long[] table = index[segment];
        int mask = table.length - 1;
        int hole = slot;
        for (int next = (hole + 1) & mask; table[next] != 0; next = (next + 1) & mask) {
            int home = slotOf(hashAt(table[next] - 1), table);
            // The entry at next may move into the hole unless its home lies cyclically in (hole, next].
            boolean homeAfterHole = hole <= next ? home > hole && home <= next : home > hole || home <= next;
            if (homeAfterHole) continue;
            table[hole] = table[next];
            hole = next;
        }
        table[hole] = 0;
        indexed[segment]--;
        if (table.length > INDEX_CAPACITY_MIN && (long) indexed[segment] * INDEX_LOAD_DIVISOR * 4 < table.length) {
            resizeIndex(segment, table.length / 2);
        }
    }

    private void resizeIndex(int segment, int capacity) {
        long[] table = new long[capacity];
        for (long held : index[segment]) {
            if (held == 0) continue;
            int slot = slotOf(hashAt(held - 1), table);
            while (table[slot] != 0) slot = (slot + 1) & (capacity - 1);
            table[slot] = held;
        }
        index[segment] = table;
    }

    private long find(TxId key) {
        if (key == null) return -1;
        long hash = hash(key.coordinatorId(), key.epoch(), key.sequence());
        long[] table = index[segmentOf(hash)];
        for (int slot = slotOf(hash, table); table[slot] != 0; slot = (slot + 1) & (table.length - 1)) {
            if (keyAt(table[slot] - 1, key)) return table[slot] - 1;
        }
        return -1;
    }

    private boolean keyAt(long position, TxId key) {
        Chunk chunk = chunks.get(chunkOf(position));
        int offset = (int) ((position - firstPosition) % chunkSlots);
        return chunk.sequence[offset] == key.sequence() && chunk.epoch[offset] == key.epoch()
                && chunk.coordinatorId[offset].equals(key.coordinatorId());
    }

    /** The value at {@code position}, or null if that entry was removed or its chunk dropped. */
    @SuppressWarnings("unchecked")
    private V valueAt(long position) {
        if (position < firstPosition) return null;
        Chunk chunk = chunks.get(chunkOf(position));
        return chunk == null ? null : (V) chunk.value[(int) ((position - firstPosition) % chunkSlots)];
    }

    private Map.Entry<TxId, V> entryAt(long position) {
        Chunk chunk = chunks.get(chunkOf(position));
        int offset = (int) ((position - firstPosition) % chunkSlots);
        TxId key = new TxId(chunk.coordinatorId[offset], chunk.epoch[offset], chunk.sequence[offset]);
        return new AbstractMap.SimpleImmutableEntry<>(key, valueAt(position));
    }

    private int chunkOf(long position) {
        return (int) ((position - firstPosition) / chunkSlots);
    }

    private long hashAt(long position) {
        Chunk chunk = chunks.get(chunkOf(position));
        int offset = (int) ((position - firstPosition) % chunkSlots);
        return hash(chunk.coordinatorId[offset], chunk.epoch[offset], chunk.sequence[offset]);
    }

    private static int segmentOf(long hash) {
        return (int) (hash >>> (Long.SIZE - SEGMENT_BITS));
    }

    private static int slotOf(long hash, long[] table) {
        return (int) hash & (table.length - 1);
    }

    /** Sequences of one coordinator's epoch are consecutive: mixed so that they spread over the table. */
    private static long hash(String coordinatorId, long epoch, long sequence) {
        long h = sequence * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + coordinatorId.hashCode();
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 29);
    }
}
