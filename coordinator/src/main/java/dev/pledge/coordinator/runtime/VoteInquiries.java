package dev.pledge.coordinator.runtime;

import dev.pledge.coordinator.rpc.VoteInquiry;
import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.runtime.Threads;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link VoteInquiry} over the sender's participant clients, one call per participant on a small
 * bounded pool of its own, so inquiries never queue behind the commit path's calls (nor delay them).
 */
final class VoteInquiries implements VoteInquiry, AutoCloseable {
    /** Inquiry calls in flight at once; operators' and failed-over clients' status calls are rare. */
    static final int THREADS_MAX = 4;
    /** Calls waiting for a thread; beyond it an inquiry is answered "busy" for that participant. */
    static final int QUEUED_MAX = 1_024;

    private final ParticipantSender sender;
    private final ThreadPoolExecutor pool;

    VoteInquiries(String nodeId, ParticipantSender sender) {
        this.sender = sender;
        this.pool = Threads.boundedPool(nodeId + "-inquiry", THREADS_MAX, QUEUED_MAX);
    }

    @Override
    public Answers ask(TxId txId, List<String> participants, long waitMs) {
        long untilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        Map<String, CompletableFuture<BranchState>> calls = new LinkedHashMap<>();
        Map<String, String> errors = new HashMap<>();
        for (String p : participants) {
            try {
                calls.put(p, CompletableFuture.supplyAsync(() -> sender.inquire(p, txId, waitMs), pool));
            } catch (RejectedExecutionException busy) {
                errors.put(p, "too many inquiries in flight");
            }
        }
        Map<String, BranchState> states = new HashMap<>();
        calls.forEach((p, call) -> {
            try {
                states.put(p, call.get(Math.max(0, untilNs - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (ExecutionException e) {
                errors.put(p, String.valueOf(e.getCause() == null ? e : e.getCause().getMessage()));
            } catch (TimeoutException e) {
                call.cancel(true);
                errors.put(p, "no answer within " + waitMs + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                errors.put(p, "interrupted");
            }
        });
        return new Answers(states, errors);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
