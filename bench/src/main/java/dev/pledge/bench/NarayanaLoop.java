package dev.pledge.bench;

import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.xa.PledgeXAResource;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The peer: Narayana in this JVM coordinating the same participant processes through
 * {@link PledgeXAResource}, under the same closed loop as {@link ClosedLoop}: K clients, each
 * begins, writes one key at every participant (one resource each), commits, and starts over, on
 * the same per-client keys. Commit latency is the {@code TransactionManager.commit()} call, which
 * runs both phases.
 */
final class NarayanaLoop implements AutoCloseable {
    private static final int KEYS_PER_CLIENT = 64;

    private static final int RESOURCE_CONNECTIONS_MAX = 32;

    private final TransactionManager tm;
    private final List<PledgeXAResource> resources = new ArrayList<>();
    private final int concurrency;

    /** {@code participants}: id to endpoint, one shared resource each (the resources are thread-safe). */
    NarayanaLoop(TransactionManager tm, Map<String, Endpoint> participants, int concurrency) {
        this.tm = tm;
        this.concurrency = concurrency;
        // A resource keeps at most its pool's size of calls in flight; a participant serves 64 connections.
        RpcClientConfig rpc = RpcClientConfig.defaults().withPoolSize(Math.min(RESOURCE_CONNECTIONS_MAX, Math.max(8, concurrency)));
        participants.forEach((id, endpoint) -> resources.add(new PledgeXAResource(id, endpoint, rpc, Duration.ofSeconds(10))));
    }

    ClosedLoop.Measured run(Duration warmup, Duration measure, LoadHarness.Window window) throws InterruptedException {
        return new LoadHarness(window).run("narayana", concurrency, this::runOne, warmup, measure);
    }

    private void runOne(int clientNo, long n, LoadHarness harness) {
        byte[] key = ("bench/" + clientNo + "/" + (n % KEYS_PER_CLIENT)).getBytes(StandardCharsets.UTF_8);
        byte[] value = Long.toString(n + 1).getBytes(StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        try {
            tm.begin();
            Transaction tx = tm.getTransaction();
            for (PledgeXAResource r : resources) {
                tx.enlistResource(r);
                r.put(key, value);
            }
            long c0 = System.nanoTime();
            tm.commit();
            harness.committed(t0, c0, System.nanoTime());
        } catch (RollbackException e) {
            harness.aborted(causes(e));
        } catch (Exception e) {
            harness.failed(e.toString());
            rollbackQuietly();
        }
    }

    /** The exception and its causes, one line: Narayana names the failed resource's error in a cause or a suppressed one. */
    private static String causes(Throwable e) {
        StringBuilder sb = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>(List.of(e));
        while (!todo.isEmpty() && sb.length() < 2_000) {
            Throwable t = todo.poll();
            if (!seen.add(t)) continue;
            if (sb.length() > 0) sb.append(" <- ");
            sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
            if (t.getCause() != null) todo.add(t.getCause());
            todo.addAll(List.of(t.getSuppressed()));
        }
        return sb.toString();
    }

    /** Frees this thread for its next transaction; the failure is already counted. */
    private void rollbackQuietly() {
        try {
            if (tm.getTransaction() != null) tm.rollback();
        } catch (Exception e) {
            // Narayana's reaper rolls back what is left at the transaction's timeout.
        }
    }

    @Override
    public void close() {
        resources.forEach(PledgeXAResource::close);
    }
}
