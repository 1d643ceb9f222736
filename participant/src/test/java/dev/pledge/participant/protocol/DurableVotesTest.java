package dev.pledge.participant.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.AbortReason;
import dev.pledge.core.TxId;
import dev.pledge.core.Vote;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Implicit commit counts durable votes, first writer wins per branch: a vote is synced before it
 * is sent, a NO as much as a YES, unless the NO can provably never become a YES.
 */
class DurableVotesTest {
    private final CoreHarness h = new CoreHarness();
    private final TxId t1 = CoreHarness.tx(1);
    private final TxId t2 = CoreHarness.tx(2);

    @Test
    void aValidationNoIsSyncedBeforeItIsSent() {
        h.put(t1, "k", "v");
        Reply.Voted vote = (Reply.Voted) h.prepare(t1, h.core.view().incarnation(), Event.Verdict.no("course full"));
        assertThat(vote.vote()).isEqualTo(Vote.NO);
        assertThat(h.last.mustSync()).isTrue();
        assertThat(h.last.records()).singleElement().isInstanceOfSatisfying(Record.Concluded.class,
                c -> assertThat(c.state()).isEqualTo(Record.Final.ABORTED));
    }

    @Test
    void aWriteOnlyBranchRefusedForALockIsSyncedSoAResentPrepareCannotTurnItIntoYes() {
        h.put(t1, "k", "v"); // t1 holds k
        long token = 77;
        h.step(new Event.Prepare(h.nowMs, token, t2, List.of("course-c", "student-a"), CoreHarness.COORD,
                h.core.view().incarnation(), Event.Verdict.OK, List.of(Write.put(Key.of("k".getBytes(java.nio.charset.StandardCharsets.UTF_8)), "w".getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
        assertThat(h.last.replies()).singleElement().isInstanceOfSatisfying(Reply.Voted.class,
                v -> assertThat(v.reason()).isEqualTo(AbortReason.LOCK_TIMEOUT));
        assertThat(h.last.mustSync()).isTrue();
        assertThat(h.last.records()).singleElement().isInstanceOf(Record.Concluded.class);
    }

    @Test
    void aNoForABranchNeverSeenHereIsNotSyncedBecauseItCanNeverBecomeYes() {
        Reply.Voted vote = (Reply.Voted) h.prepare(t1);
        assertThat(vote.vote()).isEqualTo(Vote.NO);
        assertThat(vote.reason()).isEqualTo(AbortReason.UNKNOWN_BRANCH);
        assertThat(h.last.records()).isEmpty();
        assertThat(h.last.mustSync()).isFalse();
    }
}
