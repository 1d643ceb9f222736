package dev.pledge.coordinator.protocol;

import dev.pledge.core.AbortReason;
import dev.pledge.core.Backoff;
import dev.pledge.core.BranchState;
import dev.pledge.core.Check;
import dev.pledge.core.Incarnations;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.core.Vote;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Phase one, the decision, and phase-two delivery: everything between a client's commit and the
 * END record. Each change of durable state is a record passed through {@link TxLedger#apply}.
 */
final class Decisions {
    private final CoreConfig config;
    private final TxLedger ledger;
    private final Random random;
    private final Backoff deliveryBackoff;
    /** The last sweep forgot concluded transactions before their retention (the archive was full). */
    private boolean forgettingEarly;

    Decisions(CoreConfig config, TxLedger ledger, Random random) {
        this.config = config;
        this.ledger = ledger;
        this.random = random;
        this.deliveryBackoff = new Backoff(config.deliveryRetryBaseMs(), config.deliveryRetryMaxMs());
    }

    /** ACTIVE → PREPARING: one participant takes the one-phase path, more take two phases. */
    void startCommit(CoordinatorTx tx, long nowMs, OutputsBuilder out) {
        Check.state(tx.state == CoordinatorTxState.ACTIVE, "startCommit in %s", tx.state);
        if (tx.enlisted.isEmpty()) {
            tx.moveTo(CoordinatorTxState.PREPARING, config.nodeId(), "commit requested, no participants", out);
            decideCommit(tx, nowMs, out);
        } else if (tx.enlisted.size() == 1) {
            Map.Entry<String, Long> only = tx.enlisted.entrySet().iterator().next();
            // The marker is a hint, like a two-phase COMMIT: the participant decides. A restart that finds it
            // asks the branch; one that lost it answers FORGOTTEN (issued before the restart), never ABORTED.
            record(new Record.OnePhase(tx.id, only.getKey(), tx.requestKey), false, out);
            out.send(new Message.CommitOnePhase(tx.id, only.getKey(), only.getValue(), writesFor(tx, only.getKey())));
            tx.writes = null; // the message carries them; a retry of the call re-sends that message
        } else {
            tx.moveTo(CoordinatorTxState.PREPARING, config.nodeId(),
                    "commit requested, preparing " + tx.participants(), out);
            List<String> all = tx.participants();
            tx.enlisted.forEach((pid, incarnation) -> out.send(
                    new Message.Prepare(tx.id, pid, all, incarnation, writesFor(tx, pid))));
            tx.writes = null;
        }
    }

    /** A write-only transaction's writes for {@code pid} (empty if it sent none there); null for operations. */
    private static List<Write> writesFor(CoordinatorTx tx, String pid) {
        return tx.writes == null ? null : tx.writes.getOrDefault(pid, List.of());
    }

    void onVote(Event.VoteReceived e, OutputsBuilder out) {
        CoordinatorTx tx = ledger.get(e.txId());
        if (!awaitsVoteFrom(tx, e.participantId())) return; // stale or duplicate: harmless
        tx.votes.put(e.participantId(), e.vote());
        tx.deliveryFailures.remove(e.participantId()); // vote inquiries' backoff must not slow phase two
        if (e.vote() == Vote.YES && e.storageId() != 0) tx.voterStorage.put(e.participantId(), e.storageId());
        if (e.vote() == Vote.NO) {
            String detail = e.message() == null || e.message().isEmpty() ? String.valueOf(e.reason()) : e.message();
            if (tx.resolving != null && e.reason() == AbortReason.COOPERATIVE_TERMINATION) {
                // A refusal we asked for: the transaction ends for the reason we asked.
                abort(tx, tx.resolving, tx.resolvingWhy + "; participant " + e.participantId() + " refused: " + detail,
                        e.nowMs(), out);
            } else {
                abort(tx, votedNoReason(e.reason()), "participant " + e.participantId() + " voted NO: " + detail,
                        e.nowMs(), out);
            }
        } else if (tx.votes.size() == tx.enlisted.size()) {
            decideCommit(tx, e.nowMs(), out);
        }
    }

    /**
     * The client-facing reason for a NO: a lock conflict stays LOCK_TIMEOUT or DEADLOCK_AVOIDED,
     * so a caller can tell "try again" from a refusal; anything else is PARTICIPANT_VOTED_NO.
     */
    private static AbortReason votedNoReason(AbortReason participantReason) {
        return participantReason == AbortReason.LOCK_TIMEOUT || participantReason == AbortReason.DEADLOCK_AVOIDED
                ? participantReason : AbortReason.PARTICIPANT_VOTED_NO;
    }

    /**
     * No vote came back. The prepare may have been delivered and voted on, so its absence decides
     * nothing: the participant is asked to refuse if it has not voted, again after a backoff until
     * it answers (implicit commit: T is committed iff every participant durably voted yes).
     */
    void onPrepareFailed(Event.PrepareFailed e, OutputsBuilder out) {
        CoordinatorTx tx = ledger.get(e.txId());
        if (!awaitsVoteFrom(tx, e.participantId())) return;
        startResolving(tx, AbortReason.PARTICIPANT_UNREACHABLE,
                "participant " + e.participantId() + " unreachable: " + e.error(), e.nowMs(), out);
        scheduleRetry(tx, e.participantId(), e.nowMs(), out);
    }

    /**
     * From PREPARING, the transaction must end without waiting for every prepare's answer: every
     * participant that has not voted is asked to refuse if it has not voted. Any refusal aborts it
     * (for {@code reason}); every yes commits it. Nothing is decided from a missing answer.
     */
    void resolve(CoordinatorTx tx, AbortReason reason, String why, long nowMs, OutputsBuilder out) {
        Check.state(tx.state == CoordinatorTxState.PREPARING && !tx.isOnePhase(), "resolve %s in %s", tx.id, tx.state);
        if (!startResolving(tx, reason, why, nowMs, out)) return;
        for (String pid : tx.enlisted.keySet()) {
            if (!tx.votes.containsKey(pid)) out.send(new Message.AskVote(tx.id, pid));
        }
    }

    /** Marks {@code tx} as resolving; false if it already was. */
    private boolean startResolving(CoordinatorTx tx, AbortReason reason, String why, long nowMs, OutputsBuilder out) {
        if (tx.resolving != null) return false;
        tx.resolving = reason;
        tx.resolvingWhy = why;
        out.routine(config.nodeId() + " tx " + tx.id + " PREPARING: " + why
                + "; asking the participants that have not voted to refuse (it aborts only on a durable refusal)");
        return true;
    }

    private static boolean awaitsVoteFrom(CoordinatorTx tx, String participantId) {
        return tx != null && tx.state == CoordinatorTxState.PREPARING && !tx.isOnePhase()
                && tx.enlisted.containsKey(participantId) && !tx.votes.containsKey(participantId);
    }

    /**
     * Every participant durably voted yes: the transaction committed at that moment (implicit
     * commit), so COMMIT is only a hint for delivery and {@code status} and is written unsynced —
     * no coordinator fsync after the votes. Losing it loses no decision: a participant in doubt
     * learns the outcome from its peers' durable votes.
     */
    private void decideCommit(CoordinatorTx tx, long nowMs, OutputsBuilder out) {
        List<String> yes = new ArrayList<>();
        for (String pid : tx.enlisted.keySet()) { // enlistment order keeps runs deterministic
            Vote vote = tx.votes.get(pid);
            Check.state(vote == Vote.YES || vote == Vote.READ_ONLY, "commit with vote %s from %s in %s", vote, pid, tx.id);
            if (vote == Vote.YES) yes.add(pid);
        }
        Check.state(tx.votes.size() == tx.enlisted.size(), "commit before every vote in %s", tx.id);
        record(new Record.Commit(tx.id, yes, tx.participants(), tx.requestKey, tx.voterStorage), false, out);
        tx.decidedAtMs = nowMs;
        yes.forEach(pid -> out.send(new Message.Commit(tx.id, pid)));
        releaseParked(tx, out);
        if (yes.isEmpty()) {
            record(new Record.End(tx.id, nowMs), false, out); // read-only voters get no phase two
        }
    }

    /** Decides ABORT (no sync needed) and tells every participant that may still hold the branch. */
    void abort(CoordinatorTx tx, AbortReason reason, String message, long nowMs, OutputsBuilder out) {
        Check.state(tx.state == CoordinatorTxState.ACTIVE || tx.state == CoordinatorTxState.PREPARING,
                "abort of %s in %s", tx.id, tx.state);
        List<String> tell = new ArrayList<>();
        // NO and READ_ONLY voters have already let go of the branch.
        tx.enlisted.keySet().forEach(pid -> {
            if (!tx.votes.containsKey(pid) || tx.votes.get(pid) == Vote.YES) tell.add(pid);
        });
        record(new Record.Abort(tx.id, tell, reason, message, nowMs), false, out); // the record clips a peer's words
        tell.forEach(pid -> out.send(new Message.Abort(tx.id, pid)));
        releaseParked(tx, out);
    }

    void onOnePhaseResult(Event.OnePhaseResult e, OutputsBuilder out) {
        CoordinatorTx tx = ledger.get(e.txId());
        if (tx == null || tx.state != CoordinatorTxState.PREPARING || !e.participantId().equals(tx.onePhaseParticipant)) {
            return;
        }
        switch (e.outcome()) {
            case COMMITTED -> {
                // The participant's synced apply decided, but its disk can be lost. COMMIT, with the storage it
                // committed on, is synced before the answer: a restart that finds no END delivers commit and sees
                // a replaced disk, where asking the branch would hear ABORTED from it after COMMITTED was told.
                List<String> only = List.of(e.participantId());
                Map<String, Long> storage = e.storageId() == 0 ? Map.of() : Map.of(e.participantId(), e.storageId());
                record(new Record.Commit(tx.id, only, only, tx.requestKey, storage), true, out);
                tx.decidedAtMs = e.nowMs();
                record(new Record.End(tx.id, e.nowMs()), false, out);
                releaseParked(tx, out);
            }
            case ABORTED -> abort(tx, votedNoReason(e.reason()), "participant " + e.participantId()
                    + " aborted the one-phase commit" + (e.message() == null ? "" : ": " + e.message()), e.nowMs(), out);
            case UNKNOWN -> scheduleRetry(tx, e.participantId(), e.nowMs(), out);
        }
    }

    void onAcked(Event.Acked e, OutputsBuilder out) {
        CoordinatorTx tx = ledger.get(e.txId());
        if (tx == null || !tx.pendingDelivery.remove(e.participantId())) return; // duplicate: harmless
        tx.deliveryFailures.remove(e.participantId());
        if (tx.state == CoordinatorTxState.COMMITTED) {
            String damage = commitDamage(tx, e);
            if (damage != null) {
                ledger.noteDamage(tx, damage);
                out.alarm(config.nodeId() + " tx " + tx.id + " COMMITTED with DATA LOSS: " + damage);
            }
        }
        if (tx.state == CoordinatorTxState.COMMITTED && tx.pendingDelivery.isEmpty()) {
            record(new Record.End(tx.id, e.nowMs(), tx.damage), false, out);
        } else if (tx.state == CoordinatorTxState.ABORTED && tx.pendingDelivery.isEmpty()) {
            ledger.conclude(tx); // every participant has the abort; no record needed (presumed abort)
        }
    }

    /**
     * Why {@code e}, an acknowledgement of COMMIT, shows that the participant's committed writes
     * are lost, or null. A participant acknowledges a commit of a branch it has no record of, so
     * the acknowledgement alone cannot tell "applied earlier" from "forgotten with its disk": the
     * storage identity can. A branch that reports itself aborted lost the decision another way.
     */
    private static String commitDamage(CoordinatorTx tx, Event.Acked e) {
        String pid = e.participantId();
        long voted = tx.voterStorage.getOrDefault(pid, 0L);
        if (voted != 0 && e.storageId() != 0 && voted != e.storageId()) {
            return "participant " + pid + " voted YES from storage " + Incarnations.storageName(voted)
                    + " but acknowledged the commit from storage " + Incarnations.storageName(e.storageId())
                    + " (its data directory was replaced): its writes of this transaction are lost";
        }
        if (e.state() == BranchState.ABORTED || e.state() == BranchState.HEURISTIC_MIXED) {
            return "participant " + pid + " reports its branch " + e.state() + " for a committed transaction";
        }
        return null;
    }

    void onDeliveryFailed(Event.DeliveryFailed e, OutputsBuilder out) {
        CoordinatorTx tx = ledger.get(e.txId());
        if (tx == null || !tx.pendingDelivery.contains(e.participantId())) return;
        scheduleRetry(tx, e.participantId(), e.nowMs(), out);
    }

    void onRetryTimer(Timer.DeliveryRetry t, OutputsBuilder out) {
        CoordinatorTx tx = ledger.get(t.txId());
        if (tx == null) return;
        String pid = t.participantId();
        if (tx.state == CoordinatorTxState.PREPARING && pid.equals(tx.onePhaseParticipant)) {
            out.send(new Message.AskBranch(tx.id, pid));
        } else if (awaitsVoteFrom(tx, pid)) {
            out.send(new Message.AskVote(tx.id, pid));
        } else if (tx.pendingDelivery.contains(pid)) {
            out.send(deliveryMessage(tx, pid));
        }
    }

    /** The phase-two message a decided transaction owes {@code pid}. */
    static Message deliveryMessage(CoordinatorTx tx, String pid) {
        Check.state(tx.state == CoordinatorTxState.COMMITTED || tx.state == CoordinatorTxState.ABORTED,
                "delivery for %s in %s", tx.id, tx.state);
        return tx.state == CoordinatorTxState.COMMITTED ? new Message.Commit(tx.id, pid) : new Message.Abort(tx.id, pid);
    }

    /** Exponential backoff with full jitter from the core's seeded random, capped. */
    private void scheduleRetry(CoordinatorTx tx, String pid, long nowMs, OutputsBuilder out) {
        int failures = tx.deliveryFailures.merge(pid, 1, Integer::sum);
        out.timer(new Timer.DeliveryRetry(tx.id, pid), nowMs + deliveryBackoff.delayMs(failures - 1, random));
    }

    private void releaseParked(CoordinatorTx tx, OutputsBuilder out) {
        for (CoordinatorTx.Parked p : tx.parked) {
            Reply.Value answer = parkedAnswer(tx, p.commit());
            out.reply(p.replyToken(), p.written() ? new Reply.Written(tx.id, answer) : answer);
        }
        tx.parked.clear();
    }

    static Reply.Value parkedAnswer(CoordinatorTx tx, boolean commit) {
        return finalAnswer(tx.id, tx.clientState() == TxState.COMMITTED, tx.reason, tx.message, tx.damage, commit);
    }

    /**
     * A decided transaction's answer to a commit ({@code commit}) or an abort request, live or
     * archived alike: its outcome, or NOT_ALLOWED for an abort of a committed transaction.
     */
    static Reply.Value finalAnswer(TxId id, boolean committed, AbortReason reason, String message, List<String> damage,
                                   boolean commit) {
        if (!commit && committed) {
            return new Reply.ErrorReply(Reply.ErrorKind.NOT_ALLOWED, "transaction " + id + " committed",
                    TxState.COMMITTED);
        }
        return committed ? new Reply.OutcomeReply(TxState.COMMITTED, null, null, damage)
                : new Reply.OutcomeReply(TxState.ABORTED, reason, message);
    }

    private void record(Record r, boolean sync, OutputsBuilder out) {
        out.record(r, sync);
        ledger.apply(r, out);
    }

    /**
     * Forgets decisions whose retention has passed, at most sweepBatchMax per sweep: concluded ones
     * from the archive's head, also early while the archive is over its cap once their client's
     * window has passed (the answer becomes FORGOTTEN, never a wrong one), and aborts still owed to
     * an unreachable participant.
     */
    void sweep(long nowMs, OutputsBuilder out) {
        int forgotten = 0;
        int early = 0;
        TxId watermark = ledger.watermark().orElse(null);
        for (Map.Entry<TxId, TxLedger.Concluded> oldest = ledger.oldestConcluded();
             oldest != null && forgotten < config.sweepBatchMax(); oldest = ledger.oldestConcluded()) {
            TxId id = oldest.getKey();
            TxLedger.Concluded c = oldest.getValue();
            boolean expired = c.atMs() + config.retentionMs() <= nowMs;
            boolean clientDone = c.deadlineMs() <= nowMs - config.answerGraceMs();
            if (!expired && (ledger.concludedCount() <= config.concludedMax() || !clientDone)) break;
            if (!expired) early++;
            if (c.committed()) watermark = watermark == null || id.compareTo(watermark) > 0 ? id : watermark;
            record(new Record.Forget(id, watermark), false, out);
            forgotten++;
        }
        if (early > 0 && !forgettingEarly) {
            out.transition(config.nodeId() + " keeps at most " + config.concludedMax() + " concluded transactions:"
                    + " forgetting the oldest before their retention of " + config.retentionMs() + " ms");
        }
        forgettingEarly = early > 0;
        List<Record.Forget> forgets = new ArrayList<>();
        for (CoordinatorTx tx : ledger.all()) {
            if (forgotten + forgets.size() >= config.sweepBatchMax()) break;
            if (tx.state == CoordinatorTxState.ABORTED && tx.decidedAtMs + config.retentionMs() <= nowMs) {
                forgets.add(new Record.Forget(tx.id, watermark));
            }
        }
        forgets.forEach(f -> record(f, false, out));
        forgotten += forgets.size();
        long nextMs = forgotten >= config.sweepBatchMax() ? nowMs + 1 : nowMs + config.sweepIntervalMs();
        out.timer(new Timer.Sweep(), nextMs);
    }
}
