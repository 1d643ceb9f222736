package dev.pledge.participant.rpc;

import dev.pledge.participant.app.BranchWork;
import dev.pledge.wire.TxContext;
import org.apache.thrift.TException;

/** Runs one application operation inside a transaction branch (the runtime's branch executor). */
public interface BranchRunner {
    <R> R execute(TxContext ctx, BranchWork<R> work) throws TException;
}
