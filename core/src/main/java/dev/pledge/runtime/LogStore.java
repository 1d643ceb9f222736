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
     * Whether writes are local (a file on this machine): an unsynced one costs a page-cache copy, so
     * a submitter may make it on its own thread when nothing is queued before it. A store
     * whose every write is a round trip (a replicated group's) says no, so its writes go to the
     * writer thread and never hold up the submitter (a node's loop or io thread) for that long.
     */
    default boolean writesAreLocal() {
        return true;
    }
}
