package dev.pledge.client;

import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcException;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.ThriftCall;
import dev.pledge.runtime.Clock;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.Unavailable;
import dev.pledge.wire.WriteResult;
import dev.pledge.wire.WriteTransaction;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.thrift.TException;

/**
 * The client of one coordinator: its {@link RpcClient}, its {@link CommitCoalescer}, and whether a
 * call to it failed recently (within the circuit breaker's cool-down), so new work goes to the
 * other coordinators first.
 */
final class CoordinatorClient implements AutoCloseable {
    private static final Coordinator.Client.Factory FACTORY = new Coordinator.Client.Factory();

    private final RpcClient rpc;
    private final CommitCoalescer commits;
    private final Clock time;
    private final long suspectForMs;
    /** Until when new work should go elsewhere; Long.MIN_VALUE while its last call was answered. */
    private volatile long suspectUntilMs = Long.MIN_VALUE;

    CoordinatorClient(RpcClient rpc, int commitCallsMax, int commitBatchMax, Executor asyncSenders, Clock time,
            long suspectForMs) {
        this.rpc = rpc;
        this.commits = new CommitCoalescer(rpc, commitCallsMax, commitBatchMax, asyncSenders);
        this.time = time;
        this.suspectForMs = suspectForMs;
    }

    /**
     * The coordinator could not be reached or asked to be called again later: another coordinator
     * may be asked instead where that is safe. Any other failure is the coordinator's answer.
     */
    static boolean unreachable(Throwable e) {
        return e instanceof RpcException || e instanceof Unavailable;
    }

    /** {@code call} on the Coordinator service within {@code timeoutMs}, retried by the RpcClient's policy. */
    <R> R call(ThriftCall<Coordinator.Client, R> call, long timeoutMs) throws TException {
        try {
            R result = rpc.call(Services.COORDINATOR, FACTORY, call, timeoutMs);
            suspectUntilMs = Long.MIN_VALUE;
            return result;
        } catch (TException e) {
            noteFailure(e);
            throw e;
        }
    }

    /** Commits a buffered transaction through this coordinator's coalescer (see {@link CommitCoalescer#commit}). */
    WriteResult commitWrites(WriteTransaction tx, long timeoutMs) throws TException, InterruptedException {
        try {
            WriteResult result = commits.commit(tx, timeoutMs);
            suspectUntilMs = Long.MIN_VALUE;
            return result;
        } catch (TException e) {
            noteFailure(e);
            throw e;
        }
    }

    /** {@link #commitWrites} without blocking: an async worker sends it, with others queued. */
    CompletableFuture<WriteResult> commitWritesAsync(WriteTransaction tx, long timeoutMs) {
        CompletableFuture<WriteResult> result = commits.commitAsync(tx, timeoutMs);
        result.whenComplete((r, e) -> {
            if (e == null) suspectUntilMs = Long.MIN_VALUE;
            else if (e instanceof TException t) noteFailure(t);
        });
        return result; // not the dependent stage, which would wrap the failure in a CompletionException
    }

    private void noteFailure(TException e) {
        if (unreachable(e)) suspectUntilMs = time.nowMs() + suspectForMs;
        else suspectUntilMs = Long.MIN_VALUE; // it answered
    }

    /** A call to it failed within the last {@code suspectForMs}. */
    boolean failedRecently() {
        return time.nowMs() < suspectUntilMs;
    }

    Endpoint endpoint() {
        return rpc.endpoint();
    }

    @Override
    public void close() {
        rpc.close();
    }

    @Override
    public String toString() {
        return "coordinator " + rpc.endpoint();
    }
}
