package dev.pledge.demo.node;

import dev.pledge.wire.TxContext;
import org.apache.thrift.TException;

/**
 * The one thing the demo's handlers need from the participant library: run a piece of work as one
 * operation of the transaction in {@code ctx} (enlisting, locking and deduplicating by opSeq).
 */
public interface BranchRunner {
    <R> R execute(TxContext ctx, Work<R> work) throws TException;

    /** Transactional key-value access inside one operation. */
    interface Store {
        /** Reads under a shared lock; null if absent. */
        byte[] get(byte[] key) throws TException;

        /** Reads under an exclusive lock, for read-modify-write without a lock upgrade. */
        byte[] getForUpdate(byte[] key) throws TException;

        void put(byte[] key, byte[] value) throws TException;
    }

    @FunctionalInterface
    interface Work<R> {
        R run(Store store) throws TException;
    }
}
