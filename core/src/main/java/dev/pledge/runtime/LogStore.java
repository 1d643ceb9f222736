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
}
