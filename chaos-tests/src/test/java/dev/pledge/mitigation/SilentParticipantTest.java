package dev.pledge.mitigation;

import static dev.pledge.mitigation.MitigationCluster.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pledge.client.Transaction;
import dev.pledge.core.AbortReason;
import dev.pledge.core.TxState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scenario (d): a participant that never answers prepare (frozen with SIGSTOP). Under implicit
 * commit its missing vote decides nothing: had it voted YES just before freezing, the transaction
 * would be committed. So the others stay prepared (their written keys locked, nothing else) and
 * the transaction stays PREPARING past its deadline, while the coordinator keeps asking the frozen
 * one to refuse if it has not voted. Once it answers, it refuses, and everyone aborts.
 */
class SilentParticipantTest extends ProcessScenario {
    private static final List<String> IDS = List.of("A", "B", "C");
    private static final Duration TX_TIMEOUT = Duration.ofSeconds(4);

    @Test
    void aFrozenUnvotedParticipantBlocksOnlyItsTransactionUntilItRefuses() throws Exception {
        c = MitigationCluster.started(root, IDS, List.of(), MitigationCluster.fastPolling());
        byte[] key = bytes("d-key");
        Transaction tx = c.client.begin(TX_TIMEOUT);
        for (String p : IDS) tx.kv(c.participant(p)).put(key, bytes("d-value"));
        c.node("C").pause();
        java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                tx.commit();
            } catch (Exception e) {
                // In doubt (the SDK gives up after the deadline plus its grace): the status polls below decide.
            }
        });
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> c.isInDoubt("A", tx.id()) && c.isInDoubt("B", tx.id()));

        // Past the deadline it is still PREPARING, never a guessed ABORTED, and A and B keep their key.
        await().pollDelay(TX_TIMEOUT).atMost(TX_TIMEOUT.multipliedBy(3))
                .until(() -> c.client.status(tx.id()).state() == TxState.PREPARING);
        assertThat(c.isInDoubt("A", tx.id())).isTrue();
        assertThat(c.isInDoubt("B", tx.id())).isTrue();

        c.node("C").resume();
        long resumedAt = System.nanoTime();
        Map<String, Long> resolvedMs = c.awaitResolved(tx.id(), List.of("A", "B"), resumedAt, MitigationCluster.RESOLVE_WAIT);
        List.of("A", "B").forEach(p -> MitigationCluster.reportBlocked("d-after-resume", p, resolvedMs.get(p)));
        var status = c.client.status(tx.id());
        assertThat(status.state()).isEqualTo(TxState.ABORTED);
        assertThat(status.reason()).hasValueSatisfying(r ->
                // Refused when asked, or (its queued prepare read first) voted NO past its deadline.
                assertThat(r).isIn(AbortReason.DEADLINE_EXCEEDED, AbortReason.PARTICIPANT_UNREACHABLE,
                        AbortReason.PARTICIPANT_VOTED_NO));
        for (String p : IDS) c.awaitValue(p, key, null);
    }
}
