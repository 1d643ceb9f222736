package dev.pledge.client;

import dev.pledge.testkit.ScriptedCoordinator;
import dev.pledge.wire.AbortRequest;
import dev.pledge.wire.BeginRequest;
import dev.pledge.wire.BeginResponse;
import dev.pledge.wire.CommitRequest;
import dev.pledge.wire.CommitWritesRequest;
import dev.pledge.wire.CommitWritesResponse;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.EnlistRequest;
import dev.pledge.wire.EnlistResponse;
import dev.pledge.wire.Outcome;
import dev.pledge.wire.PingResponse;
import dev.pledge.wire.StatusRequest;
import dev.pledge.wire.StatusResponse;
import dev.pledge.wire.TxId;
import dev.pledge.wire.TxState;
import dev.pledge.wire.WriteResult;
import dev.pledge.wire.WriteTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.thrift.TException;

/**
 * A {@link ScriptedCoordinator} under its own node id (in the TxIds it issues and in ping), that
 * also commits every commitWrites transaction. Records what it received.
 */
final class NamedCoordinator implements Coordinator.Iface {
    final String nodeId;
    final ScriptedCoordinator script = new ScriptedCoordinator();
    final List<WriteTransaction> commitWrites = new CopyOnWriteArrayList<>();
    private final AtomicLong writeSequence = new AtomicLong();

    NamedCoordinator(String nodeId) {
        this.nodeId = nodeId;
    }

    @Override
    public BeginResponse begin(BeginRequest request) {
        BeginResponse r = script.begin(request);
        return r.setTxId(new TxId(nodeId, r.getTxId().getEpoch(), r.getTxId().getSequence()));
    }

    @Override
    public EnlistResponse enlist(EnlistRequest request) throws TException {
        return script.enlist(request);
    }

    @Override
    public Outcome commit(CommitRequest request) throws TException {
        return script.commit(request);
    }

    @Override
    public Outcome abort(AbortRequest request) throws TException {
        return script.abort(request);
    }

    @Override
    public StatusResponse status(StatusRequest request) throws TException {
        return script.status(request);
    }

    @Override
    public CommitWritesResponse commitWrites(CommitWritesRequest request) {
        List<WriteResult> results = new ArrayList<>();
        for (WriteTransaction tx : request.getTransactions()) {
            commitWrites.add(tx.deepCopy());
            results.add(new WriteResult(new Outcome(TxState.COMMITTED))
                    .setTxId(new TxId(nodeId, 7, 1_000 + writeSequence.incrementAndGet())));
        }
        return new CommitWritesResponse(results);
    }

    @Override
    public PingResponse ping() {
        return new PingResponse(nodeId, 7);
    }
}
