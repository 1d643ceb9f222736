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
import dev.pledge.wire.WriteResult;
import dev.pledge.wire.WriteTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ScriptedCoordinator} whose commitWrites calls wait at a gate (open unless {@link
 * #close} is called) and then answer every transaction with one scripted outcome. Records the size
 * of every call it received.
 */
final class GatedCoordinator implements Coordinator.Iface {
    final ScriptedCoordinator script = new ScriptedCoordinator();
    final List<Integer> commitWritesCalls = new CopyOnWriteArrayList<>();
    final List<WriteTransaction> commitWrites = new CopyOnWriteArrayList<>();
    private final AtomicLong writeSequence = new AtomicLong();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final java.util.concurrent.atomic.AtomicInteger unavailableWrites = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Outcome writesOutcome = new Outcome(dev.pledge.wire.TxState.COMMITTED);

    /** From now on commitWrites calls wait until {@link #open}. */
    void close() {
        gate = new CountDownLatch(1);
    }

    void open() {
        gate.countDown();
    }

    /** The next {@code calls} commitWrites calls answer Unavailable (after recording what they carried). */
    void refuseWrites(int calls) {
        unavailableWrites.set(calls);
    }

    void answerWrites(Outcome outcome) {
        writesOutcome = outcome;
    }

    @Override
    public CommitWritesResponse commitWrites(CommitWritesRequest request) throws dev.pledge.wire.Unavailable {
        commitWritesCalls.add(request.getTransactionsSize());
        if (unavailableWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            for (WriteTransaction tx : request.getTransactions()) commitWrites.add(tx.deepCopy());
            throw new dev.pledge.wire.Unavailable("overloaded");
        }
        try {
            gate.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<WriteResult> results = new ArrayList<>();
        for (WriteTransaction tx : request.getTransactions()) {
            commitWrites.add(tx.deepCopy());
            results.add(new WriteResult(writesOutcome.deepCopy())
                    .setTxId(new TxId("coord-1", 7, 1_000 + writeSequence.incrementAndGet())));
        }
        return new CommitWritesResponse(results);
    }

    @Override
    public BeginResponse begin(BeginRequest request) {
        return script.begin(request);
    }

    @Override
    public EnlistResponse enlist(EnlistRequest request) throws org.apache.thrift.TException {
        return script.enlist(request);
    }

    @Override
    public Outcome commit(CommitRequest request) throws org.apache.thrift.TException {
        return script.commit(request);
    }

    @Override
    public Outcome abort(AbortRequest request) throws org.apache.thrift.TException {
        return script.abort(request);
    }

    @Override
    public StatusResponse status(StatusRequest request) throws org.apache.thrift.TException {
        return script.status(request);
    }

    @Override
    public PingResponse ping() {
        return script.ping();
    }
}
