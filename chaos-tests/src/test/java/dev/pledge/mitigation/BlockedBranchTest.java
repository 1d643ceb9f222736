package dev.pledge.mitigation;

import static dev.pledge.mitigation.MitigationCluster.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pledge.client.Transaction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.thrift.TException;
import org.junit.jupiter.api.Test;

/**
 * Scenario (c): every participant voted YES and the coordinator died before writing its decision.
 * No peer knows the outcome, so the branch stays blocked: cooperative termination finds only
 * PREPARED peers and nobody decides alone. Only the written key is blocked: transactions enlisted
 * at the participant before the crash (new ones need a coordinator to begin) still write other
 * keys there, and only a write to the blocked key is refused. When the coordinator returns, the
 * branch resolves (presumed abort: COMMIT was never written).
 */
class BlockedBranchTest extends ProcessScenario {
    private static final List<String> IDS = List.of("A", "B");

    @Test
    void allPreparedStaysBlockedOtherKeysKeepWorkingAndTheReturningCoordinatorResolvesIt() throws Exception {
        c = MitigationCluster.started(root, IDS, List.of(), MitigationCluster.fastPolling(),
                "coordinator.commit.before-write=block");
        byte[] blockedKey = bytes("c-blocked");
        Transaction tx = c.client.begin(Duration.ofSeconds(60));
        // Enlisted at A before the crash, so they can still work there without a coordinator.
        Transaction other = c.client.begin(Duration.ofSeconds(60));
        other.kv(c.participant("A")).put(bytes("c-enlist-other"), bytes("x"));
        Transaction contender = c.client.begin(Duration.ofSeconds(60));
        contender.kv(c.participant("A")).put(bytes("c-enlist-contender"), bytes("x"));
        c.writeAndCommitAsync(tx, blockedKey, bytes("c-value"), IDS);

        long lostAt = c.killCoordinatorAt("coordinator.commit.before-write");

        // Cooperative termination ran at both and every peer said PREPARED: nothing to decide from.
        await().atMost(MitigationCluster.RESOLVE_WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> c.peersAllSayPrepared("A", tx.id()) && c.peersAllSayPrepared("B", tx.id()));
        for (String p : IDS) {
            assertThat(c.isInDoubt(p, tx.id())).as("%s decides nothing alone", p).isTrue();
            assertThat(c.stats(c.participant(p)).get("cooperativeTerminations")).isZero();
        }

        long writeStart = System.nanoTime();
        other.kv(c.participant("A")).put(bytes("c-other-key"), bytes("still works"));
        long otherKeyWriteMs = (System.nanoTime() - writeStart) / 1_000_000;
        assertThat(other.kv(c.participant("A")).get(bytes("c-other-key"))).isEqualTo(bytes("still works"));
        System.out.println("OTHER-KEY-WRITE scenario=c participant=A ms=" + otherKeyWriteMs);
        assertThatThrownBy(() -> contender.kv(c.participant("A")).put(blockedKey, bytes("contender")))
                .as("the blocked key stays locked by the in-doubt branch").isInstanceOf(TException.class);
        assertThat(c.isInDoubt("A", tx.id())).isTrue();

        System.out.println("COORDINATOR-DOWN scenario=c ms=" + (System.nanoTime() - lostAt) / 1_000_000);
        c.cluster.startCoordinator();
        Map<String, Long> resolvedMs = c.awaitResolved(tx.id(), IDS, lostAt, MitigationCluster.RESOLVE_WAIT);
        IDS.forEach(p -> MitigationCluster.reportBlocked("c", p, resolvedMs.get(p)));
        for (String p : IDS) c.awaitValue(p, blockedKey, null);
    }
}
