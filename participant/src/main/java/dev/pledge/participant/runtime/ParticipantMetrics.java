package dev.pledge.participant.runtime;

import dev.pledge.runtime.Threads;
import dev.pledge.runtime.Clock;
import dev.pledge.participant.protocol.CoreView;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.NodeMetrics;
import dev.pledge.rpc.OpsHttpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A participant's meters and its /health: the core's counters and in-doubt branches (copied in one
 * query per scrape), cooperative terminations, heuristic damage, and how long the coordinator has
 * been unreachable. A pinger keeps that last figure true while no branch needs the coordinator.
 */
final class ParticipantMetrics implements AutoCloseable {
    private static final long SNAPSHOT_WAIT_MS = 1_000;
    private static final long PING_PERIOD_MAX_MS = 1_000;

    private record Snapshot(Map<String, Long> counters, int inDoubt, long oldestPreparedAtMs, int rememberedOutcomes) {
        static final Snapshot EMPTY = new Snapshot(Map.of(), 0, -1, 0);
    }

    private final String participantId;
    private final NodeMetrics metrics;
    private final CoreGateway gateway;
    private final CoordinatorContact contact;
    private final Clock clock;
    private final long lostAfterMs;
    private final ScheduledExecutorService pinger;
    private final Supplier<String> stoppedBecause;
    private volatile Snapshot snapshot = Snapshot.EMPTY;

    /** {@code stoppedBecause}: why the node decides nothing more, or null while it decides. */
    ParticipantMetrics(String participantId, CoreGateway gateway, CoordinatorContact contact, PeerLink peers,
                       HeuristicWatch heuristics, Clock clock, long lostAfterMs, Supplier<String> stoppedBecause) {
        this.participantId = participantId;
        this.stoppedBecause = stoppedBecause;
        this.metrics = new NodeMetrics("participant", participantId);
        this.gateway = gateway;
        this.contact = contact;
        this.clock = clock;
        this.lostAfterMs = lostAfterMs;
        this.pinger = Executors.newSingleThreadScheduledExecutor(r -> Threads.daemon(r, "participant-" + participantId + "-ping"));
        MeterRegistry r = metrics.registry();
        metrics.beforeScrape(this::refresh);
        Gauge.builder("pledge_participant_in_doubt_branches", this, m -> m.snapshot.inDoubt)
                .description("Prepared branches waiting for their decision").register(r);
        Gauge.builder("pledge_participant_in_doubt_oldest_age_seconds", this, ParticipantMetrics::oldestAgeSeconds)
                .description("Age of the oldest in-doubt branch (0 when none)").register(r);
        Gauge.builder("pledge_participant_remembered_outcomes", this, m -> m.snapshot.rememberedOutcomes)
                .description("Outcomes of ended branches held in memory until core.outcome-retention-ms has passed"
                        + " (about 170 bytes of heap each)").register(r);
        FunctionCounter.builder("pledge_participant_cooperative_terminations", peers, p -> p.cooperativeTerminations())
                .description("Prepared branches decided by a peer's answer while the coordinator was away").register(r);
        FunctionCounter.builder("pledge_participant_heuristic_forced", heuristics, h -> h.forcedCount())
                .description("In-doubt branches an operator forced (HEURISTIC)").register(r);
        FunctionCounter.builder("pledge_participant_heuristic_mixed", heuristics, h -> h.mixedCount())
                .description("Forced branches the real decision contradicted (HEURISTIC_MIXED)").register(r);
        Gauge.builder("pledge_participant_heuristic_mixed_branches", heuristics, h -> h.mixedNow())
                .description("HEURISTIC_MIXED branches still remembered: damage an operator must repair").register(r);
        Gauge.builder("pledge_participant_coordinator_lost_seconds", contact, c -> c.lostForMs() / 1000.0)
                .description("How long every call to the coordinator has failed (0 while reachable)").register(r);
        branchCounter(r, "committed", "branches.committed");
        branchCounter(r, "aborted_prepared", "branches.abortedPrepared");
        branchCounter(r, "aborted_unprepared", "branches.abortedUnprepared");
        branchCounter(r, "prepared", "branches.prepared");
        branchCounter(r, "voted_no", "votes.no");
        branchCounter(r, "voted_read_only", "votes.readOnly");
    }

    private void branchCounter(MeterRegistry r, String event, String counterName) {
        ToDoubleFunction<ParticipantMetrics> read = m -> m.snapshot.counters.getOrDefault(counterName, 0L);
        FunctionCounter.builder("pledge_participant_branches", this, read).tag("event", event)
                .description("Branch transitions at this participant").register(r);
    }

    NodeMetrics nodeMetrics() {
        return metrics;
    }

    /** Serves /metrics and /health and starts pinging the coordinator; returns the HTTP port. */
    int serve(Endpoint listen, CoordinatorLink link) throws IOException {
        long periodMs = Math.max(50, Math.min(PING_PERIOD_MAX_MS, lostAfterMs / 2));
        pinger.scheduleWithFixedDelay(() -> link.ping(periodMs), 0, periodMs, TimeUnit.MILLISECONDS);
        return metrics.serve(participantId, listen, this::health);
    }

    OpsHttpServer.Health health() {
        String stopped = stoppedBecause.get();
        if (stopped != null) return new OpsHttpServer.Health(false, "no decisions are made: " + stopped);
        long lostMs = contact.lostForMs();
        if (lostMs > lostAfterMs) {
            return new OpsHttpServer.Health(false, "coordinator unreachable for " + lostMs + " ms (limit " + lostAfterMs
                    + " ms): " + contact.lastError());
        }
        return new OpsHttpServer.Health(true, lostMs > 0 ? "coordinator calls failing for " + lostMs + " ms" : "coordinator reachable");
    }

    private void refresh() {
        try {
            snapshot = gateway.query(ParticipantMetrics::snapshotOf, SNAPSHOT_WAIT_MS);
        } catch (Exception e) {
            // Keep the last snapshot: a busy core must not fail the scrape.
        }
    }

    private static Snapshot snapshotOf(CoreView view) {
        List<CoreView.InDoubt> inDoubt = view.inDoubt();
        long oldest = inDoubt.stream().mapToLong(CoreView.InDoubt::preparedAtMs).min().orElse(-1);
        return new Snapshot(view.counters(), inDoubt.size(), oldest, view.rememberedOutcomes());
    }

    private double oldestAgeSeconds() {
        Snapshot s = snapshot;
        return s.oldestPreparedAtMs < 0 ? 0 : Math.max(0, clock.nowMs() - s.oldestPreparedAtMs) / 1000.0;
    }

    @Override
    public void close() {
        pinger.shutdownNow();
        metrics.close();
    }
}
