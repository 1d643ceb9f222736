package dev.pledge.client;

import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.Services;
import dev.pledge.wire.CommitWritesRequest;
import dev.pledge.wire.CommitWritesResponse;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.WriteResult;
import dev.pledge.wire.WriteTransaction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.thrift.TException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesces the write-only commits of many threads into {@code commitWrites} calls, with at most
 * {@code callsMax} calls in flight. A committing thread that finds a free slot sends everything
 * queued (its own commit first in line or already sent); when a call returns, its slot passes to
 * the oldest commit still queued, so every thread sends at most one call for others and there is
 * no sender thread to hand work to. Alone, a commit is sent at once by its own thread.
 *
 * <p>An async commit ({@link #commitAsync}) has no thread of its own: when it gets a slot, one of
 * the client's async workers sends the batch, and keeps sending while async commits are queued.
 * Both kinds share the queue, the slots and the batches.
 */
final class CommitCoalescer {
    private static final Coordinator.Client.Factory COORDINATOR = new Coordinator.Client.Factory();
    private static final Logger log = LoggerFactory.getLogger(CommitCoalescer.class);

    private final RpcClient coordinator;
    private final int callsMax;
    private final int batchMax;
    private final Executor senders;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int calls;

    CommitCoalescer(RpcClient coordinator, int callsMax, int batchMax, Executor senders) {
        this.coordinator = coordinator;
        this.callsMax = callsMax;
        this.batchMax = batchMax;
        this.senders = senders;
    }

    /** Sends {@code tx} (alone or with others) within {@code timeoutMs}; its result, or the call's failure. */
    WriteResult commit(WriteTransaction tx, long timeoutMs) throws TException, InterruptedException {
        Pending p = new Pending(tx, timeoutMs, null);
        synchronized (this) {
            queue.add(p);
            if (calls < callsMax) {
                calls++;
                p.slotted = true;
                p.lead = true;
            }
        }
        while (true) {
            boolean lead = p.awaitLeadOrDone();
            if (p.done) {
                if (lead) passSlot(); // promoted after another call already answered it
                return p.result();
            }
            sendBatch();
        }
    }

    /**
     * Queues {@code tx} to be sent (alone or with others) within {@code timeoutMs} by a worker, never
     * by the calling thread; completes with its result, or exceptionally with the call's failure.
     */
    CompletableFuture<WriteResult> commitAsync(WriteTransaction tx, long timeoutMs) {
        Pending p = new Pending(tx, timeoutMs, new CompletableFuture<>());
        boolean send;
        synchronized (this) {
            queue.add(p);
            send = calls < callsMax;
            if (send) {
                calls++;
                p.slotted = true;
            }
        }
        if (send) senders.execute(this::sendBatch);
        return p.future;
    }

    private void sendBatch() {
        List<Pending> batch = new ArrayList<>();
        synchronized (this) {
            while (batch.size() < batchMax && !queue.isEmpty()) batch.add(queue.poll());
        }
        try {
            if (batch.isEmpty()) return;
            long timeoutMs = 0;
            List<WriteTransaction> txs = new ArrayList<>(batch.size());
            for (Pending q : batch) {
                txs.add(q.tx);
                timeoutMs = Math.max(timeoutMs, q.timeoutMs);
            }
            try {
                boolean[] sent = {false};
                CommitWritesResponse r = coordinator.call(Services.COORDINATOR, COORDINATOR, (c, remainingMs) -> {
                    // A retried call may follow one that reached the coordinator (see WriteTransaction.resend).
                    if (sent[0]) txs.forEach(t -> t.setResend(true));
                    sent[0] = true;
                    return c.commitWrites(new CommitWritesRequest(Deadlines.forRequest(remainingMs), txs));
                }, timeoutMs);
                if (r.getResultsSize() != batch.size()) {
                    throw new TException("coordinator answered " + r.getResultsSize() + " results for " + batch.size());
                }
                for (int i = 0; i < batch.size(); i++) batch.get(i).complete(r.getResults().get(i), null);
            } catch (TException | RuntimeException e) {
                TException failure = e instanceof TException t ? t : new TException(e.toString(), e);
                for (Pending q : batch) q.complete(null, failure);
            }
        } finally {
            passSlot();
        }
    }

    /** The finished call's slot goes to the oldest queued commit that has none yet, or is freed. */
    private void passSlot() {
        Pending next = null;
        synchronized (this) {
            for (Pending q : queue) {
                if (!q.slotted) {
                    next = q;
                    break;
                }
            }
            if (next == null) {
                calls--;
                return;
            }
            next.slotted = true;
        }
        if (next.future == null) {
            next.promote();
            return;
        }
        try {
            senders.execute(this::sendBatch);
        } catch (RejectedExecutionException e) {
            // Only once the client is closed, which ends its async commits itself.
            log.debug("pledge-client commit batch not sent: the client is closed");
        }
    }

    private final class Pending {
        final WriteTransaction tx;
        final long timeoutMs;
        /** Completed with the result of an async commit; null for a blocking one, whose thread waits. */
        final CompletableFuture<WriteResult> future;
        /** Holds (or is about to hold) a call slot; guarded by the coalescer. */
        boolean slotted;
        private boolean lead;
        private boolean done;
        private WriteResult result;
        private TException failure;

        Pending(WriteTransaction tx, long timeoutMs, CompletableFuture<WriteResult> future) {
            this.tx = tx;
            this.timeoutMs = timeoutMs;
            this.future = future;
        }

        /** Waits until this thread must send a batch or its commit was answered; true if it was given a slot. */
        synchronized boolean awaitLeadOrDone() throws InterruptedException {
            while (!done && !lead) wait();
            boolean wasLead = lead;
            lead = false;
            return wasLead;
        }

        synchronized void promote() {
            lead = true;
            notifyAll();
        }

        void complete(WriteResult r, TException e) {
            synchronized (this) {
                result = r;
                failure = e;
                done = true;
                notifyAll();
            }
            if (future == null) return;
            // On a worker, not the sender: a blocking committer that sent the batch must not run async callbacks.
            Runnable completion = () -> {
                if (e != null) future.completeExceptionally(e);
                else future.complete(r);
            };
            try {
                senders.execute(completion);
            } catch (RejectedExecutionException closed) {
                completion.run();
            }
        }

        synchronized WriteResult result() throws TException {
            if (failure != null) throw failure;
            return result;
        }
    }
}
