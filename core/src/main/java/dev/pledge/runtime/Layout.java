package dev.pledge.runtime;

import java.io.IOException;
import java.util.List;

/**
 * How a node's records lie in its key/value store, defined once: the production store (RocksDB)
 * and the simulator's store both apply {@link #ops} and recover with {@link #read}, so neither
 * can drift from the other. Pure: no I/O of its own.
 *
 * @param <R> the node's record type
 */
public interface Layout<R> {
    /** The store's families; the first is RocksDB's default one. */
    List<String> families();

    /** Appends to {@code out} the changes that store {@code record}. */
    void ops(R record, List<KvOp> out);

    /** Every durable record, in the order recovery replays them. Fails on bytes it cannot decode. */
    List<R> read(KvView store) throws IOException;
}
