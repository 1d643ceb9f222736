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
import org.apache.thrift.TException;

/**
 * Coalesces the write-only commits of many threads into {@code commitWrites} calls, with at most
 * {@code callsMax} calls in flight. A committing thread that finds a free slot sends everything
 * queued (its own commit first in line or already sent); when a call returns, its slot passes to
 * the oldest commit still queued, so every thread sends at most one call for others and there is
 * no sender thread to hand work to. Alone, a commit is sent at once by its own thread.
 */
final class CommitCoalescer {
    private static final Coordinator.Client.Factory COORDINATOR = new Coordinator.Client.Factory();

    private final RpcClient coordinator;
    private final int callsMax;
    private final int batchMax;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int calls;

    CommitCoalescer(RpcClient coordinator, int callsMax, int batchMax) {
        this.coordinator = coordinator;
        this.callsMax = callsMax;
        this.batchMax = batchMax;
    }

    /** Sends {@code tx} (alone or with others) within {@code timeoutMs}; its result, or the call's failure. */
    WriteResult commit(WriteTransaction tx, long timeoutMs) throws TException, InterruptedException {
        Pending p = new Pending(tx, timeoutMs);
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

    private void sendBatch() throws InterruptedException {
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
        next.promote();
    }

    private static final class Pending {
        final WriteTransaction tx;
        final long timeoutMs;
        /** Holds (or is about to hold) a call slot; guarded by the coalescer. */
        boolean slotted;
        private boolean lead;
        private boolean done;
        private WriteResult result;
        private TException failure;

        Pending(WriteTransaction tx, long timeoutMs) {
            this.tx = tx;
            this.timeoutMs = timeoutMs;
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

        synchronized void complete(WriteResult r, TException e) {
            result = r;
            failure = e;
            done = true;
            notifyAll();
        }

        synchronized WriteResult result() throws TException {
            if (failure != null) throw failure;
            return result;
        }
    }
}
