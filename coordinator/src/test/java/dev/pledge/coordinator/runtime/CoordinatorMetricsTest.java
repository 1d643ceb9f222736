package dev.pledge.coordinator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.coordinator.protocol.Event;
import dev.pledge.coordinator.protocol.Outputs;
import dev.pledge.coordinator.protocol.Record;
import dev.pledge.coordinator.protocol.Reply;
import dev.pledge.core.AbortReason;
import dev.pledge.core.TxId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The coordinator's meters count decisions once they are durable, and time commit request to decision. */
class CoordinatorMetricsTest {
    private static final TxId COMMITTED = new TxId("coord-1", 1, 1);
    private static final TxId ABORTED = new TxId("coord-1", 1, 2);

    @Test
    void decisionsAreCountedByOutcomeAndReasonAndTimedFromTheFirstCommitRequest() {
        try (CoordinatorMetrics m = new CoordinatorMetrics("coord-1", () -> 0)) {
            m.released(outputs(List.of(), List.of(new Reply(1, new Reply.BeginOk(COMMITTED, 1_000)))), 0);
            m.stepping(new Event.Commit(100, 2, COMMITTED));
            m.stepping(new Event.Commit(400, 3, COMMITTED)); // a retried request does not restart the clock
            m.released(outputs(List.of(new Record.Commit(COMMITTED, List.of("A"), List.of("A"))), List.of()), 350);
            m.released(outputs(List.of(new Record.Abort(ABORTED, List.of(), AbortReason.DEADLINE_EXCEEDED, "late", 500)),
                    List.of()), 500);

            String text = m.nodeMetrics().scrape();
            assertThat(text).containsPattern("pledge_coordinator_transactions_begun_total\\{[^}]*\\} 1\\.0")
                    .containsPattern("pledge_coordinator_transactions_committed_total\\{[^}]*\\} 1\\.0")
                    .containsPattern("pledge_coordinator_transactions_aborted_total\\{[^}]*reason=\"DEADLINE_EXCEEDED\"[^}]*\\} 1\\.0")
                    .containsPattern("pledge_coordinator_commit_latency_seconds_count\\{[^}]*\\} 1")
                    .containsPattern("pledge_coordinator_commit_latency_seconds_sum\\{[^}]*\\} 0\\.25");
        }
    }

    private static Outputs outputs(List<Record> records, List<Reply> replies) {
        return new Outputs(records, false, List.of(), List.of(), replies, List.of());
    }
}
