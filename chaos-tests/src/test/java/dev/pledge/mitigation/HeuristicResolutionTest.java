package dev.pledge.mitigation;

import static dev.pledge.mitigation.MitigationCluster.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pledge.client.Transaction;
import dev.pledge.rpc.Endpoint;
import dev.pledge.wire.BranchState;
import dev.pledge.wire.InDoubtBranch;
import dev.pledge.wire.ResolveResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Scenario (e): an operator's heuristic resolve is refused while the outcome is knowable (the real
 * one is applied instead); when nobody can tell and the operator forces a guess that the real
 * decision later contradicts, the branch becomes HEURISTIC_MIXED: listed, counted, logged at ERROR.
 */
class HeuristicResolutionTest extends ProcessScenario {
    private static final List<String> IDS = List.of("A", "B", "C");

    @Test
    void resolveIsRefusedAndTheRealOutcomeAppliedWhileTheCoordinatorKnowsIt() throws Exception {
        // Slow polling, so the branch is still in doubt when the operator comes; one frozen sender
        // thread, so the coordinator has decided COMMIT but delivered it to one participant only.
        List<String> slowPolling = List.of("--in-doubt-poll-base-ms", "20000", "--in-doubt-poll-max-ms", "60000");
        c = MitigationCluster.started(root, IDS, List.of("--sender-threads-max", "1"), slowPolling,
                "coordinator.commit.first-delivered=block");
        Transaction tx = c.commitInBackground(bytes("e1-key"), bytes("e1-value"), IDS);
        c.awaitFailpoint("coordinator.commit.first-delivered");
        long decidedAt = System.nanoTime();
        String waiting = c.inDoubtAmong(IDS, tx.id()).get(0);

        ResolveResponse r = c.resolve(waiting, tx.id(), false);
        long resolvedMs = (System.nanoTime() - decidedAt) / 1_000_000;

        assertThat(r.isForced()).as("the operator's abort is refused").isFalse();
        assertThat(r.getState()).isEqualTo(BranchState.COMMITTED);
        assertThat(r.getMessage()).contains("coordinator knows the real outcome COMMITTED");
        assertThat(c.isInDoubt(waiting, tx.id())).isFalse();
        assertThat(c.stats(c.participant(waiting)).get("heuristic.forced")).isZero();
        MitigationCluster.reportBlocked("e-refused", waiting, resolvedMs);
    }

    @Test
    void aForcedOutcomeContradictedLaterIsReportedAsHeuristicMixed() throws Exception {
        // Implicit commit: with every participant reachable the branches would commit by themselves.
        c = MitigationCluster.started(root, IDS, List.of(), MitigationCluster.fastPolling(), "coordinator.commit.written=block");
        Endpoint metricsA = c.metricsOf("A");
        byte[] key = bytes("e2-key");
        Transaction tx = c.commitInBackground(key, bytes("e2-value"), IDS);
        // Every vote is in and COMMIT is written (a hint), and no participant has heard of it. C is
        // frozen before the coordinator dies, so A and B cannot learn C's durable yes: blocked.
        c.awaitFailpoint("coordinator.commit.written");
        c.node("C").pause();
        long lostAt = c.killCoordinatorAt("coordinator.commit.written");
        await().atMost(MitigationCluster.RESOLVE_WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> c.branch("A", tx.id()).getPeers().stream().anyMatch(v -> v.getParticipantId().equals("B")
                        && v.getState() == dev.pledge.wire.BranchState.PREPARED));
        assertThat(c.isInDoubt("A", tx.id())).as("C's vote cannot be learned while it is frozen").isTrue();

        ResolveResponse forced = c.resolve("A", tx.id(), false);
        MitigationCluster.reportBlocked("e-forced", "A", (System.nanoTime() - lostAt) / 1_000_000);
        assertThat(forced.isForced()).as("nobody could tell the outcome").isTrue();
        assertThat(forced.getState()).isEqualTo(BranchState.HEURISTIC_ABORTED);

        c.cluster.startCoordinator();
        c.node("C").resume();
        await().atMost(MitigationCluster.RESOLVE_WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> stateAtA(tx) == BranchState.HEURISTIC_MIXED);
        Map<String, Long> resolvedMs = c.awaitResolved(tx.id(), List.of("B", "C"), lostAt, MitigationCluster.RESOLVE_WAIT);
        resolvedMs.forEach((p, ms) -> MitigationCluster.reportBlocked("e-after-return", p, ms));

        Map<String, Long> stats = c.stats(c.participant("A"));
        assertThat(stats.get("heuristic.forced")).isEqualTo(1L);
        assertThat(stats.get("heuristic.mixed")).isEqualTo(1L);
        assertThat(stats.get("heuristic.mixedBranches")).isEqualTo(1L);
        assertThat(c.node("A").printed(Pattern.compile("ERROR .*HEURISTIC_MIXED"))).as("an ERROR line").isTrue();
        assertThat(c.get(metricsA, "/metrics").body()).containsPattern("pledge_participant_heuristic_mixed_total\\{[^}]*\\} 1\\.0");
        c.awaitValue("B", key, bytes("e2-value"));
    }

    private BranchState stateAtA(Transaction tx) throws Exception {
        InDoubtBranch b = c.branch("A", tx.id());
        return b == null ? null : b.getState();
    }
}
