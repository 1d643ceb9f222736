package dev.pledge.participant.app;

import org.apache.thrift.TException;

/**
 * One application operation inside a transaction branch. Its result is cached by (txId, opSeq):
 * a retry with the same opSeq gets this result back without running the work again (I7), so the
 * result should be a value (immutable), and one opSeq must always mean the same operation.
 */
@FunctionalInterface
public interface BranchWork<R> {
    R run(TxKv kv) throws TException;
}
