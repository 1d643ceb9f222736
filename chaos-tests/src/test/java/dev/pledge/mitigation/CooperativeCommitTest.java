package dev.pledge.mitigation;

import static dev.pledge.mitigation.MitigationCluster.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.client.Transaction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scenario (a): every participant voted YES, the coordinator delivered COMMIT to one of them and
 * died. The others learn COMMITTED from that peer (cooperative termination) while it stays down.
 */
class CooperativeCommitTest extends ProcessScenario {
    private static final List<String> IDS = List.of("A", "B", "C");

    @Test
    void othersCommitThroughCooperativeTerminationWhileTheCoordinatorStaysDown() throws Exception {
        // One sender thread: the crash point freezes it after the first COMMIT is acknowledged, before any other leaves.
        c = MitigationCluster.started(root, IDS, List.of("--sender-threads-max", "1"), MitigationCluster.fastPolling(),
                "coordinator.commit.first-delivered=block");
        byte[] key = bytes("a-key");
        Transaction tx = c.commitInBackground(key, bytes("a-value"), IDS);
        long lostAt = c.killCoordinatorAt("coordinator.commit.first-delivered");

        Map<String, Long> resolvedMs = c.awaitResolved(tx.id(), IDS, lostAt, MitigationCluster.RESOLVE_WAIT);
        assertThat(c.node("coordinator").alive()).as("the coordinator stayed down").isFalse();
        long cooperative = 0;
        for (String p : IDS) {
            Map<String, Long> stats = c.stats(c.participant(p));
            assertThat(stats.get("branches.committed")).as("%s committed", p).isEqualTo(1L);
            assertThat(stats.get("branches.abortedPrepared")).as("%s never aborted", p).isZero();
            cooperative += stats.get("cooperativeTerminations");
            if (stats.get("cooperativeTerminations") > 0) MitigationCluster.reportBlocked("a", p, resolvedMs.get(p));
        }
        assertThat(cooperative).as("the two participants without the COMMIT message decided from a peer").isEqualTo(2);

        c.cluster.startCoordinator();
        for (String p : IDS) c.awaitValue(p, key, bytes("a-value"));
    }
}
