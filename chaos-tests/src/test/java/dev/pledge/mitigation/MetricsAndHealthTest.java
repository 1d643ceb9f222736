package dev.pledge.mitigation;

import static dev.pledge.mitigation.MitigationCluster.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pledge.client.Transaction;
import dev.pledge.core.TxState;
import dev.pledge.rpc.Endpoint;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Scenario (f): every node serves Prometheus text at /metrics with the counters of a workload just
 * run, and a participant's /health turns 503 when it has lost its coordinator, then 200 again.
 */
class MetricsAndHealthTest extends ProcessScenario {
    private static final List<String> IDS = List.of("A", "B");
    private static final int COMMITS = 10;
    private static final int CLIENT_ABORTS = 2;

    @Test
    void metricsCountAWorkloadAndHealthReflectsALostCoordinator() throws Exception {
        c = MitigationCluster.started(root, IDS, List.of(), List.of("--coordinator-lost-after-ms", "1000"));
        Endpoint coordinatorMetrics = c.metricsOf("coordinator");
        Endpoint metricsA = c.metricsOf("A");
        for (int i = 0; i < COMMITS; i++) {
            Transaction tx = c.client.begin(Duration.ofSeconds(10));
            for (String p : IDS) tx.kv(c.participant(p)).put(bytes("f-" + i), bytes("v"));
            assertThat(tx.commit().state()).isEqualTo(TxState.COMMITTED);
        }
        for (int i = 0; i < CLIENT_ABORTS; i++) {
            Transaction tx = c.client.begin(Duration.ofSeconds(10));
            tx.kv(c.participant("A")).put(bytes("f-aborted-" + i), bytes("v"));
            tx.abort();
        }

        String coordinator = c.get(coordinatorMetrics, "/metrics").body();
        assertThat(value(coordinator, "pledge_coordinator_transactions_begun_total")).isGreaterThanOrEqualTo(COMMITS + CLIENT_ABORTS);
        assertThat(value(coordinator, "pledge_coordinator_transactions_committed_total")).isGreaterThanOrEqualTo(COMMITS);
        assertThat(value(coordinator, "pledge_coordinator_transactions_aborted_total", "reason=\"CLIENT_REQUESTED\""))
                .isEqualTo(CLIENT_ABORTS);
        assertThat(value(coordinator, "pledge_coordinator_commit_latency_seconds_count")).isGreaterThanOrEqualTo(COMMITS);
        assertThat(value(coordinator, "pledge_log_batch_entries_count", "synced=\"true\"")).isGreaterThanOrEqualTo(1);
        String participant = c.get(metricsA, "/metrics").body();
        assertThat(value(participant, "pledge_participant_branches_total", "event=\"committed\"")).isEqualTo(COMMITS);
        assertThat(value(participant, "pledge_participant_in_doubt_branches")).isZero();
        assertThat(value(participant, "pledge_participant_remembered_outcomes")).as("A's commits and client aborts")
                .isEqualTo(COMMITS + CLIENT_ABORTS);
        assertThat(participant).contains("pledge_participant_in_doubt_oldest_age_seconds", "pledge_participant_cooperative_terminations_total",
                "pledge_participant_heuristic_mixed_total", "pledge_log_batch_entries_bucket");
        assertThat(c.get(metricsA, "/health").status()).isEqualTo(200);

        c.node("coordinator").kill9();
        long lostAt = System.nanoTime();
        await().atMost(MitigationCluster.RESOLVE_WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> c.get(metricsA, "/health").status() == 503);
        System.out.println("HEALTH-DOWN-AFTER scenario=f participant=A ms=" + (System.nanoTime() - lostAt) / 1_000_000);
        assertThat(c.get(metricsA, "/health").body()).contains("coordinator unreachable");
        await().atMost(MitigationCluster.RESOLVE_WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> c.get(metricsA, "/metrics").body().contains("pledge_rpc_breaker_transitions_total"));
        // The pings that found it gone are single-attempt probes (they never retry), so no retry count here.
        assertThat(c.get(metricsA, "/metrics").body()).contains("pledge_participant_coordinator_lost_seconds");

        c.cluster.startCoordinator();
        await().atMost(MitigationCluster.RESOLVE_WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> c.get(metricsA, "/health").status() == 200);
    }

    /** The sample of {@code name} (whose labels include {@code label}, if given) in Prometheus text. */
    private static double value(String text, String name, String... label) {
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) continue;
            if (label.length > 0 && !line.contains(label[0])) continue;
            return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        throw new AssertionError("no sample " + name + " " + String.join(",", label) + " in:\n" + text);
    }
}
