package dev.pledge.client;

import dev.pledge.wire.TxContext;

/**
 * One participant operation. {@code ctx} carries the transaction, this operation's opSeq (the same
 * on every retry of it, so the participant applies it once) and the remaining time as deadlineMs.
 */
@FunctionalInterface
public interface TxOp<C, R> {
    R call(C client, TxContext ctx) throws org.apache.thrift.TException;
}
