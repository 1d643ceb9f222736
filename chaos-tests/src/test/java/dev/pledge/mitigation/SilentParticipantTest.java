package dev.pledge.mitigation;

import static dev.pledge.mitigation.MitigationCluster.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.client.CommitResult;
import dev.pledge.client.Transaction;
import dev.pledge.core.AbortReason;
import dev.pledge.core.TxState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scenario (d): a participant that never answers prepare (frozen with SIGSTOP). The transaction
 * aborts at its deadline and every other participant releases its locks, without waiting for it.
 */
class SilentParticipantTest extends ProcessScenario {
    private static final List<String> IDS = List.of("A", "B", "C");
    private static final Duration TX_TIMEOUT = Duration.ofSeconds(4);

    @Test
    void theTransactionAbortsAtItsDeadlineAndTheOthersReleaseTheirLocks() throws Exception {
        c = MitigationCluster.started(root, IDS, List.of(), MitigationCluster.fastPolling());
        byte[] key = bytes("d-key");
        Transaction tx = c.client.begin(TX_TIMEOUT);
        for (String p : IDS) tx.kv(c.participant(p)).put(key, bytes("d-value"));
        c.node("C").pause();

        long commitAt = System.nanoTime();
        CommitResult result = tx.commit();
        long answeredMs = (System.nanoTime() - commitAt) / 1_000_000;
        System.out.println("COMMIT-ANSWERED scenario=d ms=" + answeredMs + " outcome=" + result);
        assertThat(result.state()).isEqualTo(TxState.ABORTED);
        assertThat(result.reason()).hasValueSatisfying(r ->
                assertThat(r).isIn(AbortReason.DEADLINE_EXCEEDED, AbortReason.PARTICIPANT_UNREACHABLE));

        Map<String, Long> resolvedMs = c.awaitResolved(tx.id(), List.of("A", "B"), commitAt, MitigationCluster.RESOLVE_WAIT);
        List.of("A", "B").forEach(p -> MitigationCluster.reportBlocked("d", p, resolvedMs.get(p)));
        // The locks are gone: a fresh transaction reads the key (absent) at A and B while C is still frozen.
        c.awaitValue("A", key, null);
        c.awaitValue("B", key, null);
        assertThat(c.node("C").alive()).isTrue();

        c.node("C").resume();
        c.awaitValue("C", key, null);
    }
}
