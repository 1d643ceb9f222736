package dev.pledge.coordinator.protocol;

import static dev.pledge.coordinator.protocol.CoreHarness.A;
import static dev.pledge.coordinator.protocol.CoreHarness.B;
import static dev.pledge.coordinator.protocol.CoreHarness.onlyReply;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.AbortReason;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.core.Vote;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Write-only transactions: begun, prepared with their writes and decided from one client request. */
class WriteTransactionTest {
    private final CoreHarness h = new CoreHarness();
    private long tokens = 1_000;

    private static Map<String, List<Write>> writes(String... participants) {
        Map<String, List<Write>> m = new LinkedHashMap<>();
        for (String p : participants) m.put(p, List.of(new Write(("k-" + p).getBytes(), "v".getBytes())));
        return m;
    }

    private Outputs commitWrites(String key, Map<String, List<Write>> writes) {
        return h.step(new Event.CommitWrites(h.nowMs, tokens++, key, writes, 0));
    }

    private static TxId txOf(Outputs o) {
        return o.messages().get(0).txId();
    }

    private static Reply.Written written(Outputs o) {
        return (Reply.Written) onlyReply(o);
    }

    @Test
    void everyParticipantIsPreparedWithItsOwnWritesAndNoEnlistment() {
        Outputs o = commitWrites("key-1", writes(A, B));

        assertThat(o.records()).as("nothing durable before the votes (presumed abort)").isEmpty();
        assertThat(o.replies()).isEmpty();
        assertThat(o.messages()).hasSize(2).allSatisfy(m -> {
            Message.Prepare p = (Message.Prepare) m;
            assertThat(p.participants()).containsExactly(A, B);
            assertThat(p.writes()).singleElement().satisfies(w ->
                    assertThat(new String(w.key())).isEqualTo("k-" + p.participantId()));
        });
    }

    @Test
    void theCommitRecordCarriesTheRequestKeyAndTheAnswerCarriesTheTxId() {
        TxId tx = txOf(commitWrites("key-1", writes(A, B)));
        h.vote(tx, A, Vote.YES);
        Outputs decided = h.vote(tx, B, Vote.YES);

        assertThat(decided.records()).containsExactly(new Record.Commit(tx, List.of(A, B), List.of(A, B), "key-1"));
        assertThat(decided.mustSync()).as("a hint: the participants' votes are the decision").isFalse();
        Reply.Written w = written(decided);
        assertThat(w.txId()).isEqualTo(tx);
        assertThat(w.outcome()).isEqualTo(new Reply.OutcomeReply(TxState.COMMITTED, null, null));
    }

    @Test
    void aRetryWithTheSameKeyJoinsTheFirstAttemptInsteadOfRunningTwice() {
        TxId tx = txOf(commitWrites("key-1", writes(A, B)));
        Outputs retry = commitWrites("key-1", writes(A, B));
        assertThat(retry.messages()).as("no second prepare").isEmpty();
        assertThat(retry.replies()).as("parked until the decision").isEmpty();

        h.vote(tx, A, Vote.YES);
        Outputs decided = h.vote(tx, B, Vote.YES);
        assertThat(decided.replies()).hasSize(2).allSatisfy(r ->
                assertThat(((Reply.Written) r.value()).txId()).isEqualTo(tx));
        assertThat(written(commitWrites("key-1", writes(A, B))).outcome())
                .isEqualTo(new Reply.OutcomeReply(TxState.COMMITTED, null, null));
    }

    @Test
    void aCommittedKeyIsStillKnownAfterACoordinatorRestart() {
        TxId tx = txOf(commitWrites("key-1", writes(A, B)));
        h.vote(tx, A, Vote.YES);
        h.vote(tx, B, Vote.YES);

        h.restart();
        Outputs retry = commitWrites("key-1", writes(A, B));
        assertThat(retry.messages()).isEmpty();
        assertThat(written(retry).txId()).isEqualTo(tx);
        assertThat(written(retry).outcome().getClass()).isEqualTo(Reply.OutcomeReply.class);
        assertThat(((Reply.OutcomeReply) written(retry).outcome()).state()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void anUndecidedAttemptLostInARestartRunsAgainUnderANewTxId() {
        TxId first = txOf(commitWrites("key-1", writes(A, B)));
        h.vote(first, A, Vote.YES);

        h.restart();
        TxId second = txOf(commitWrites("key-1", writes(A, B)));
        assertThat(second).isNotEqualTo(first);
        assertThat(((Reply.StatusReply) h.status(first)).state()).as("its participants decide it").isEqualTo(TxState.FORGOTTEN);
    }

    @Test
    void aNoVoteAbortsAndTellsTheOtherParticipant() {
        TxId tx = txOf(commitWrites("key-1", writes(A, B)));
        Outputs aborted = h.vote(tx, A, Vote.NO);
        assertThat(aborted.messages()).containsExactly(new Message.Abort(tx, B));
        assertThat(((Reply.OutcomeReply) written(aborted).outcome()).reason()).isEqualTo(AbortReason.PARTICIPANT_VOTED_NO);
    }

    @Test
    void aLockConflictKeepsItsReasonSoTheClientKnowsARetryMaySucceed() {
        TxId tx = txOf(commitWrites("key-1", writes(A, B)));
        Outputs aborted = h.step(new Event.VoteReceived(h.nowMs, tx, A, Vote.NO, AbortReason.LOCK_TIMEOUT, "key k is locked"));
        Reply.OutcomeReply o = (Reply.OutcomeReply) written(aborted).outcome();
        assertThat(o.reason()).isEqualTo(AbortReason.LOCK_TIMEOUT);
        assertThat(o.message()).contains("key k is locked");
    }

    @Test
    void aOnePhaseRefusalKeepsTheParticipantsReasonAndMessage() {
        TxId tx = txOf(commitWrites("key-1", writes(A)));
        Outputs aborted = h.step(new Event.OnePhaseResult(h.nowMs, tx, A, Event.OnePhaseOutcome.ABORTED,
                AbortReason.VALIDATION_FAILED, "course full"));
        Reply.OutcomeReply o = (Reply.OutcomeReply) written(aborted).outcome();
        assertThat(o.reason()).isEqualTo(AbortReason.PARTICIPANT_VOTED_NO);
        assertThat(o.message()).contains("course full");
    }

    @Test
    void oneParticipantCommitsInOnePhaseWithItsWritesBehindAnUnsyncedMarker() {
        Outputs o = commitWrites("key-1", writes(A));
        assertThat(o.mustSync()).isFalse();
        TxId tx = txOf(o);
        assertThat(o.records()).containsExactly(new Record.OnePhase(tx, A, "key-1"));
        assertThat(o.messages()).singleElement().isInstanceOfSatisfying(Message.CommitOnePhase.class,
                m -> assertThat(m.writes()).hasSize(1));
        Outputs done = h.step(new Event.OnePhaseResult(h.nowMs, tx, A, Event.OnePhaseOutcome.COMMITTED));
        assertThat(written(done).txId()).isEqualTo(tx);
    }

    @Test
    void anUnknownParticipantIsRefusedBeforeAnythingStarts() {
        Outputs o = commitWrites("key-1", writes(A, "nobody"));
        assertThat(o.messages()).isEmpty();
        assertThat(onlyReply(o)).isInstanceOfSatisfying(Reply.ErrorReply.class, e -> {
            assertThat(e.kind()).isEqualTo(Reply.ErrorKind.INVALID);
            assertThat(e.message()).contains("nobody");
        });
        assertThat(commitWrites("key-1", writes(A, B)).messages()).as("the key was not used up").hasSize(2);
    }
}
