package dev.pledge.mitigation;

import static dev.pledge.mitigation.MitigationCluster.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.client.CommitResult;
import dev.pledge.client.Transaction;
import dev.pledge.demo.launch.LocalCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Scenario (c), implicit commit: every participant voted YES and the coordinator is lost before it
 * wrote anything about the decision — killed with its data directory deleted, or stopped for
 * good. Nothing blocks: the votes are the decision, the branches ask each other, hear only durable
 * yes votes, and commit by themselves, with no operator and no heuristic. Wave 1 left them blocked
 * until the coordinator came back (and then presumed abort).
 */
class CoordinatorLossTest extends ProcessScenario {
    private static final List<String> IDS = List.of("A", "B");
    /** What the issue promises: every participant commits within 2 s of losing the coordinator. */
    private static final long COMMIT_WITHIN_MS = 2_000;

    /** The client's commit call, answered from the votes once a coordinator can ask them. */
    private CompletableFuture<CommitResult> commit;

    /** Writes {@code key} at every participant and commits; the coordinator holds at "every vote is in". */
    private Transaction everyVoteInAndTheCoordinatorHeld(byte[] key) throws Exception {
        c = MitigationCluster.started(root, IDS, List.of(), MitigationCluster.fastPolling(),
                "coordinator.commit.before-write=block");
        Transaction tx = c.client.begin(Duration.ofSeconds(60));
        commit = c.writeAndCommitAsync(tx, key, bytes("c-value"), IDS);
        return tx;
    }

    @Test
    void coordinatorKilledAndWipedAfterEveryVoteBlocksNothing() throws Exception {
        byte[] key = bytes("c-killed");
        Transaction tx = everyVoteInAndTheCoordinatorHeld(key);

        long lostAt = c.killCoordinatorAt("coordinator.commit.before-write");
        c.cluster.wipe(LocalCluster.COORDINATOR);

        Map<String, Long> resolvedMs = c.awaitResolved(tx.id(), IDS, lostAt, MitigationCluster.RESOLVE_WAIT);
        IDS.forEach(p -> MitigationCluster.reportBlocked("c-killed-wiped", p, resolvedMs.get(p)));
        for (String p : IDS) {
            assertThat(resolvedMs.get(p)).as("%s committed by itself within 2 s", p).isLessThan(COMMIT_WITHIN_MS);
            Map<String, Long> stats = c.stats(c.participant(p));
            assertThat(stats.get("branches.committed")).as("%s committed, it did not abort", p).isEqualTo(1L);
            assertThat(stats.get("heuristic.forced")).isZero();
        }
        // A coordinator on the empty directory serves again; the committed value is at both, and
        // the client still waiting in commit learns COMMITTED from it (asked with the participants).
        c.cluster.startCoordinator();
        for (String p : IDS) c.awaitValue(p, key, bytes("c-value"));
        assertThat(commit.get(60, TimeUnit.SECONDS)).as("the client's commit answer").isNotNull()
                .satisfies(r -> assertThat(r.committed()).isTrue());
    }

    @Test
    void coordinatorStoppedForeverAfterEveryVoteBlocksNothing() throws Exception {
        Transaction tx = everyVoteInAndTheCoordinatorHeld(bytes("c-stopped"));

        c.awaitFailpoint("coordinator.commit.before-write");
        c.node(LocalCluster.COORDINATOR).pause();
        long lostAt = System.nanoTime();

        Map<String, Long> resolvedMs = c.awaitResolved(tx.id(), IDS, lostAt, MitigationCluster.RESOLVE_WAIT);
        IDS.forEach(p -> MitigationCluster.reportBlocked("c-stopped", p, resolvedMs.get(p)));
        for (String p : IDS) {
            assertThat(resolvedMs.get(p)).as("%s committed by itself within 2 s", p).isLessThan(COMMIT_WITHIN_MS);
            assertThat(c.stats(c.participant(p)).get("branches.committed")).as("%s committed", p).isEqualTo(1L);
        }
        assertThat(c.node(LocalCluster.COORDINATOR).alive()).as("still stopped, not dead").isTrue();
    }
}
