package dev.pledge.mitigation;

import static dev.pledge.mitigation.MitigationCluster.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.client.Transaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario (a): every participant voted YES, the coordinator delivered COMMIT to one of them and
 * died. The others learn COMMITTED from that peer (cooperative termination) while it stays down.
 */
class CooperativeCommitTest {
    private static final List<String> IDS = List.of("A", "B", "C");

    @TempDir
    Path root;

    private MitigationCluster c;

    @AfterEach
    void stop() {
        if (c != null) c.close();
    }

    @Test
    void othersCommitThroughCooperativeTerminationWhileTheCoordinatorStaysDown() throws Exception {
        // One sender thread: the crash point freezes it after the first COMMIT is acknowledged, before any other leaves.
        c = new MitigationCluster(root, IDS, List.of("--sender-threads-max", "1"), MitigationCluster.fastPolling());
        c.cluster.startCoordinator("coordinator.commit.first-delivered=block");
        IDS.forEach(c.cluster::startParticipant);
        byte[] key = bytes("a-key");
        Transaction tx = c.client.begin(Duration.ofSeconds(60));
        c.writeAndCommitAsync(tx, key, bytes("a-value"), IDS);

        c.node("coordinator").awaitLine(Pattern.compile("FAILPOINT coordinator.commit.first-delivered reached"),
                MitigationCluster.START_WAIT);
        c.node("coordinator").kill9();
        long lostAt = System.nanoTime();

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
