package dev.pledge.coordinator.runtime;

import dev.pledge.coordinator.protocol.Event;
import dev.pledge.coordinator.protocol.Outputs;
import dev.pledge.coordinator.protocol.Record;
import dev.pledge.coordinator.protocol.Reply;
import dev.pledge.core.LogLine;
import dev.pledge.core.TxId;
import dev.pledge.rpc.NodeMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A coordinator's meters, fed by the runtime: transactions begun, decided (committed, or aborted by
 * reason) once the decision is durable, and the latency from a commit request to its decision.
 * Called on the loop thread (requests) and the writer thread (released Outputs).
 */
final class CoordinatorMetrics implements AutoCloseable {
    /** Bound on commit requests waiting for a decision; beyond it the oldest is not measured. */
    static final int PENDING_COMMITS_MAX = 100_000;

    private final NodeMetrics metrics;
    private final Counter begun;
    private final Counter committed;
    private final Timer commitLatency;
    private final Counter damageFound;
    private final Map<TxId, Long> commitRequestedAtMs = new LinkedHashMap<>();

    CoordinatorMetrics(String nodeId, IntSupplier damagedTransactions) {
        this.metrics = new NodeMetrics("coordinator", nodeId);
        this.damageFound = Counter.builder("pledge_coordinator_data_loss_found")
                .description("Acknowledgements of COMMIT that showed a participant's committed writes lost"
                        + " (its storage was replaced after it voted YES, or it reports the branch aborted)")
                .register(metrics.registry());
        Gauge.builder("pledge_coordinator_transactions_damaged", damagedTransactions::getAsInt)
                .description("Committed transactions, still remembered, whose writes a participant lost")
                .register(metrics.registry());
        this.begun = Counter.builder("pledge_coordinator_transactions_begun")
                .description("Transactions begun").register(metrics.registry());
        this.committed = Counter.builder("pledge_coordinator_transactions_committed")
                .description("Transactions decided COMMIT (the record is durable)").register(metrics.registry());
        this.commitLatency = Timer.builder("pledge_coordinator_commit_latency")
                .description("From the first commit request to the durable decision (COMMIT or ABORT)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(metrics.registry());
    }

    NodeMetrics nodeMetrics() {
        return metrics;
    }

    /** An event is about to be stepped: a commit request starts the latency clock (the first one only). */
    synchronized void stepping(Event e) {
        if (!(e instanceof Event.Commit c)) return;
        if (commitRequestedAtMs.containsKey(c.txId())) return;
        if (commitRequestedAtMs.size() >= PENDING_COMMITS_MAX) {
            Iterator<TxId> oldest = commitRequestedAtMs.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        commitRequestedAtMs.put(c.txId(), c.nowMs());
    }

    /** An Outputs' records are durable and its replies are going out. */
    synchronized void released(Outputs outputs, long nowMs) {
        int alarms = 0;
        for (LogLine line : outputs.logLines()) {
            if (line.error()) alarms++;
        }
        if (alarms > 0) damageFound.increment(alarms);
        for (Reply r : outputs.replies()) {
            if (r.value() instanceof Reply.BeginOk) begun.increment();
        }
        for (Record r : outputs.records()) {
            if (r instanceof Record.Commit c) {
                committed.increment();
                decided(c.txId(), nowMs);
            } else if (r instanceof Record.Abort a) {
                Counter.builder("pledge_coordinator_transactions_aborted").description("Transactions decided ABORT, by reason")
                        .tag("reason", a.reason().name()).register(metrics.registry()).increment();
                decided(a.txId(), nowMs);
            }
        }
    }

    private void decided(TxId txId, long nowMs) {
        Long startMs = commitRequestedAtMs.remove(txId);
        if (startMs != null) commitLatency.record(Math.max(0, nowMs - startMs), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        metrics.close();
    }
}
