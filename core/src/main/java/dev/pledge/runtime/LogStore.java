package dev.pledge.runtime;

import java.util.List;

/**
 * Where a node's records go: RocksDB in production, a simulated disk in the simulator. One call
 * writes one batch atomically; with {@code sync} it returns only once that batch and every
 * earlier one survive a power cut.
 *
 * @param <R> the node's record type
 */
public interface LogStore<R> {
    void write(List<R> records, boolean sync) throws Exception;

    /**
     * Whether an unsynced write costs so little that a submitter may make it on its own thread when
     * nothing is queued before it (a local file: a page-cache copy). A store whose every write is a
     * round trip (a replicated group's) says no, so such writes go to the writer thread and never
     * hold up the submitter (a node's event loop) for that long.
     */
    default boolean unsyncedWritesAreCheap() {
        return true;
    }
}
