package dev.pledge.participant.protocol;

import dev.pledge.core.AbortReason;
import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.core.Vote;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Votes and decisions: prepare, commit, abort, one-phase commit, peer questions, in-doubt polling. */
final class DecisionRules {
    /** Bound on OUTCOMEs dropped per sweep, so one sweep never makes a huge batch. */
    static final int SWEEP_MAX = 1_000;

    private final ParticipantCore core;
    private final BranchLedger ledger;
    private final HeuristicRules heuristics;

    DecisionRules(ParticipantCore core, HeuristicRules heuristics) {
        this.core = core;
        this.ledger = core.ledger;
        this.heuristics = heuristics;
    }

    void prepare(Event.Prepare e, Outputs.Builder out) {
        Branch b = ledger.branch(e.txId());
        if (b == null && ledger.maybeSwept(e.txId())) {
            out.reply(sweptVote(e.token(), e.txId()));
            return;
        }
        boolean born = false;
        if (b == null && e.writes() != null && ledger.outcome(e.txId()) == null) {
            // A NO is synced: a resent prepare after a restart that forgot it would bear the branch
            // again and could vote YES, and the first durable vote is the one that counts.
            String busy = bear(e.txId(), e.writes(), true, e.nowMs(), out);
            if (busy != null) {
                core.counters.votedNo++;
                out.reply(new Reply.Voted(e.token(), Vote.NO, AbortReason.LOCK_TIMEOUT, busy));
                return;
            }
            b = ledger.branch(e.txId());
            born = true;
        }
        if (b == null) {
            out.reply(repeatedVote(e.token(), e.txId(), e.nowMs()));
            return;
        }
        if (b.phase == Branch.Phase.PREPARED) {
            out.reply(new Reply.Voted(e.token(), Vote.YES, null, null));
            return;
        }
        String refusal = born ? null : refusal(b, e.incarnation(), e.writes() != null);
        if (refusal != null || !e.verdict().ok()) {
            AbortReason reason = refusal != null ? refusalReason(b, e.incarnation()) : AbortReason.VALIDATION_FAILED;
            String why = refusal != null ? refusal : e.verdict().message();
            core.counters.votedNo++;
            core.abortUnprepared(b, reason, why, true, e.nowMs(), out); // a vote is durable before it is sent
            out.reply(new Reply.Voted(e.token(), Vote.NO, reason, why));
            return;
        }
        if (b.writes.isEmpty()) {
            // Synced so that a peer asking later (even after our restart) is never told ABORTED by mistake.
            core.counters.votedReadOnly++;
            out.routine(core.line(b.txId, "ACTIVE", "READ_ONLY", "only reads; locks released"));
            conclude(new Record.Concluded(b.txId, Record.Final.READ_ONLY, e.nowMs()), true, e.nowMs(), out);
            out.reply(new Reply.Voted(e.token(), Vote.READ_ONLY, null, null));
            return;
        }
        Record.Prepared p = new Record.Prepared(b.txId, new ArrayList<>(b.writes.values()), e.participants(),
                e.coordinatorId(), ledger.incarnation(), e.nowMs());
        core.lockChanges(ledger.record(p, true, out), e.nowMs(), out);
        core.counters.prepared++;
        out.routine(core.line(b.txId, "ACTIVE", "PREPARED", b.writes.size() + " writes; voted YES"));
        // Usually the decision arrives first; if not, start asking (the coordinator may have crashed).
        // An external manager is never asked: it tells us (commit, rollback, or recover then either).
        if (!b.txId.isExternal()) {
            long firstPollMs = Math.min(CoreConfig.FIRST_POLL_AFTER_MS, core.config.inDoubtPollMaxMs());
            out.timer(new Timer.InDoubtPoll(b.txId, 0), e.nowMs() + firstPollMs + core.backoff.delayMs(0, core.random));
        }
        out.reply(new Reply.Voted(e.token(), Vote.YES, null, null));
    }

    /**
     * A branch whose whole write set came with its prepare or one-phase commit: born ACTIVE holding
     * exclusive locks on every key, taken without waiting (the coordinator is not waiting on a
     * lock queue; the client may retry). Returns null, or why not, with the branch remembered
     * ABORTED ({@code durable}: synced first, see commitOnePhase).
     */
    private String bear(TxId txId, List<Write> writes, boolean durable, long nowMs, Outputs.Builder out) {
        Branch b = ledger.bear(txId, writes);
        for (Key key : b.writes.keySet()) {
            LockTable.Acquired got = ledger.acquire(txId, key, LockMode.EXCLUSIVE);
            if (got.outcome() == LockTable.Outcome.GRANTED) {
                core.lockChanges(got.changes(), nowMs, out);
                continue;
            }
            if (got.outcome() == LockTable.Outcome.WAIT) core.lockChanges(ledger.cancelWait(txId, key), nowMs, out);
            String why = "key " + key + " is locked by another transaction";
            core.abortUnprepared(b, AbortReason.LOCK_TIMEOUT, why, durable, nowMs, out);
            return why;
        }
        return null;
    }

    private String refusal(Branch b, long incarnation, boolean withWrites) {
        if (withWrites) return "writes came with the prepare, but operations had already built this branch";
        if (incarnation != ledger.incarnation()) {
            return "enlisted by incarnation " + incarnation + ", this is incarnation " + ledger.incarnation();
        }
        if (b.phase == Branch.Phase.ENLISTING) return "prepare arrived before enlistment finished";
        if (b.pendingAccesses() > 0) return "prepare arrived while an operation was still waiting for a lock";
        if (!b.runningOps.isEmpty()) {
            return "prepare arrived while operation " + b.runningOps.iterator().next() + " was still running";
        }
        if (!b.brokenOps.isEmpty()) {
            return "operation " + b.brokenOps.iterator().next() + " failed after writing; committing would apply half of it";
        }
        return null;
    }

    private AbortReason refusalReason(Branch b, long incarnation) {
        if (incarnation != ledger.incarnation()) return AbortReason.PARTICIPANT_RESTARTED;
        return b.phase == Branch.Phase.ENLISTING ? AbortReason.UNKNOWN_BRANCH : AbortReason.VALIDATION_FAILED;
    }

    /**
     * A prepare for a branch that is gone: the durable vote it gave is repeated (an aborted branch
     * refuses again, a finished yes stays yes); a branch never seen here votes NO.
     */
    /**
     * A prepare of a transaction at or below the sweep watermark whose outcome is gone: a late
     * duplicate of a transaction decided long ago (retention outlives every transaction's
     * deadline). It may have voted yes and committed here, so it is neither borne again (a new
     * branch could vote the other way) nor remembered ABORTED (a peer would hear a refusal). The
     * NO stays the same across restarts, since the watermark is durable, and nobody counts it: the
     * transaction was decided before this participant learned its outcome.
     */
    private Reply.Voted sweptVote(long token, TxId txId) {
        core.counters.forgottenAnswers++;
        return new Reply.Voted(token, Vote.NO, AbortReason.UNKNOWN_BRANCH, txId
                + " is at or below the sweep watermark: its outcome here may have been swept; a prepare this late is stale");
    }

    private Reply.Voted repeatedVote(long token, TxId txId, long nowMs) {
        Remembered r = ledger.outcome(txId);
        if (r == null) {
            core.counters.votedNo++;
            String why = "no branch for " + txId + " here (never seen, or lost in a restart)";
            // Unsynced, because this NO can never become a YES: the prepare carries no writes (else
            // it would have borne the branch), the coordinator is past enlistment so no operation
            // can build the branch again, and a restart forgets it only to refuse the same way.
            ledger.abortUnsynced(txId, AbortReason.UNKNOWN_BRANCH, why, nowMs);
            return new Reply.Voted(token, Vote.NO, AbortReason.UNKNOWN_BRANCH, why);
        }
        if (r.state() == Record.Final.ABORTED) {
            return new Reply.Voted(token, Vote.NO, r.reason() == null ? AbortReason.UNKNOWN_BRANCH : r.reason(),
                    r.message() == null ? "branch was aborted here" : r.message());
        }
        // The branch voted yes before it finished (committed, read-only, or forced by an operator
        // after it prepared). Implicit commit counts the first durable vote, so a repeat of the
        // prepare (late or duplicated) repeats it: a NO here would contradict a decision already
        // made from that yes. TxIds are never reused (I8), so the repeat is the same transaction.
        return new Reply.Voted(token, r.state() == Record.Final.READ_ONLY ? Vote.READ_ONLY : Vote.YES, null, null);
    }

    void commit(Event.Commit e, Outputs.Builder out) {
        Branch b = ledger.branch(e.txId());
        if (b == null) {
            out.reply(new Reply.Acked(e.token(), finishedState(e.txId(), BranchState.COMMITTED, e.nowMs(), out)));
        } else if (b.phase == Branch.Phase.PREPARED) {
            out.routine(core.line(b.txId, "PREPARED", "COMMITTED", "coordinator decided COMMIT"));
            applyCommit(b, e.nowMs(), out);
            out.reply(new Reply.Acked(e.token(), BranchState.COMMITTED));
        } else {
            out.reply(new Reply.Failed(e.token(), Reply.ErrorKind.INVALID, null,
                    "commit of " + e.txId() + " which never prepared here"));
        }
    }

    void abort(Event.Abort e, Outputs.Builder out) {
        Branch b = ledger.branch(e.txId());
        if (b == null) {
            out.reply(new Reply.Acked(e.token(), finishedState(e.txId(), BranchState.ABORTED, e.nowMs(), out)));
            return;
        }
        if (b.phase == Branch.Phase.PREPARED) {
            abortPrepared(b, "coordinator decided ABORT", e.nowMs(), out);
        } else {
            core.abortUnprepared(b, null, "coordinator decided ABORT", false, e.nowMs(), out);
        }
        out.reply(new Reply.Acked(e.token(), BranchState.ABORTED));
    }

    void commitOnePhase(Event.CommitOnePhase e, Outputs.Builder out) {
        Branch b = ledger.branch(e.txId());
        if (b == null && ledger.maybeSwept(e.txId())) {
            // As sweptVote: it may have committed here; "unknown" decides nothing and changes nothing.
            core.counters.forgottenAnswers++;
            out.reply(new Reply.Acked(e.token(), BranchState.UNKNOWN, null, e.txId()
                    + " is at or below the sweep watermark: its outcome here may have been swept"));
            return;
        }
        boolean born = false;
        if (b == null && e.writes() != null && ledger.outcome(e.txId()) == null) {
            // This answer IS the decision, and a repeat of this call could bear the branch again
            // after a restart: an ABORTED answer is synced first, so the repeat repeats it.
            String busy = bear(e.txId(), e.writes(), true, e.nowMs(), out);
            if (busy != null) {
                out.reply(new Reply.Acked(e.token(), BranchState.ABORTED, AbortReason.LOCK_TIMEOUT, busy));
                return;
            }
            b = ledger.branch(e.txId());
            born = true;
        }
        if (b == null) {
            Remembered r = ledger.outcome(e.txId());
            if (r == null) {
                ledger.abortUnsynced(e.txId(), AbortReason.UNKNOWN_BRANCH, "one-phase commit of an unknown branch", e.nowMs());
            }
            out.reply(new Reply.Acked(e.token(), r == null ? BranchState.ABORTED
                    : r.state() == Record.Final.READ_ONLY ? BranchState.COMMITTED : r.state().branchState()));
            return;
        }
        if (b.phase == Branch.Phase.PREPARED) {
            out.reply(new Reply.Failed(e.token(), Reply.ErrorKind.INVALID, null,
                    "one-phase commit of " + e.txId() + " which is in two-phase commit here"));
            return;
        }
        String refusal = born ? null : refusal(b, e.incarnation(), e.writes() != null);
        if (refusal != null || !e.verdict().ok()) {
            AbortReason reason = refusal != null ? refusalReason(b, e.incarnation()) : AbortReason.VALIDATION_FAILED;
            String why = refusal != null ? refusal : e.verdict().message();
            core.abortUnprepared(b, reason, why, born, e.nowMs(), out);
            out.reply(new Reply.Acked(e.token(), BranchState.ABORTED, reason, why));
            return;
        }
        out.routine(core.line(b.txId, "ACTIVE", "COMMITTED", "one-phase commit, " + b.writes.size() + " writes"));
        core.counters.committed++;
        if (b.writes.isEmpty()) {
            conclude(new Record.Concluded(b.txId, Record.Final.COMMITTED, e.nowMs()), false, e.nowMs(), out);
        } else {
            conclude(new Record.Applied(b.txId, new ArrayList<>(b.writes.values()), e.nowMs()), true, e.nowMs(), out);
        }
        out.reply(new Reply.Acked(e.token(), BranchState.COMMITTED));
    }

    void peerState(Event.PeerState e, Outputs.Builder out) {
        Branch b = ledger.branch(e.txId());
        if (b != null && b.phase == Branch.Phase.PREPARED) {
            out.reply(new Reply.PeerAnswer(e.token(), BranchState.PREPARED));
            return;
        }
        if (b != null && e.inquireOnly()) {
            out.reply(new Reply.PeerAnswer(e.token(), BranchState.ACTIVE));
            return;
        }
        if (b != null) {
            // Not voted yet: abort now (synced) so that our later vote is NO and the peer may abort.
            core.abortUnprepared(b, AbortReason.COOPERATIVE_TERMINATION,
                    "peer " + e.asker() + " asked before this branch voted", true, e.nowMs(), out);
            out.reply(new Reply.PeerAnswer(e.token(), BranchState.ABORTED));
            return;
        }
        Remembered r = ledger.outcome(e.txId());
        if (r == null && ledger.maybeSwept(e.txId())) {
            // Its outcome may have been swept after retention: it may have voted yes, so refusing
            // could abort a committed transaction. "Unknown" decides nothing; the asker stays in doubt.
            core.counters.forgottenAnswers++;
            out.routine(core.line(e.txId(), "FORGOTTEN", "FORGOTTEN", "asked by " + e.asker()
                    + "; its outcome may have been swept, so it is not refused"));
            out.reply(new Reply.PeerAnswer(e.token(), BranchState.UNKNOWN));
            return;
        }
        if (r == null && e.inquireOnly()) {
            out.reply(new Reply.PeerAnswer(e.token(), BranchState.UNKNOWN));
            return;
        }
        if (r == null) {
            ledger.recordAborted(e.txId(), AbortReason.COOPERATIVE_TERMINATION,
                    "peer " + e.asker() + " asked about a branch unknown here", e.nowMs(), out);
            out.reply(new Reply.PeerAnswer(e.token(), BranchState.ABORTED));
            return;
        }
        if (r.state() == Record.Final.ABORTED && !r.durable()) {
            // Aborted unvoted and not synced (it can never become a yes), but told to an asker it
            // becomes a refusal the asker acts on: a refusal is durable before it is answered.
            ledger.recordAborted(e.txId(), r.reason(), r.message(), e.nowMs(), out);
            out.reply(new Reply.PeerAnswer(e.token(), BranchState.ABORTED));
            return;
        }
        // A READ_ONLY voter voted yes; an operator's guess must not spread (the branch had voted
        // yes before it was forced): "PREPARED", a durable yes, is the answer for all of them.
        out.reply(new Reply.PeerAnswer(e.token(), switch (r.state()) {
            case COMMITTED -> BranchState.COMMITTED;
            case ABORTED -> BranchState.ABORTED;
            case READ_ONLY, HEURISTIC_COMMITTED, HEURISTIC_ABORTED, HEURISTIC_MIXED -> BranchState.PREPARED;
        }));
    }

    void coordinatorStatus(Event.CoordinatorStatus e, Outputs.Builder out) {
        Branch b = ledger.branch(e.txId());
        if (b == null || b.phase != Branch.Phase.PREPARED || b.forgotten) return;
        b.coordinatorView = e.state().name();
        b.coordinatorUnreachableSinceMs = -1;
        switch (e.state()) {
            case COMMITTED -> commitPrepared(b, "coordinator status COMMITTED", e.nowMs(), out);
            case ABORTED -> abortPrepared(b, "coordinator status ABORTED", e.nowMs(), out);
            case FORGOTTEN -> {
                // The coordinator holds no record (it restarted without its unsynced hint, lost its
                // disk, or forgot after retention). Implicit commit: the peers' durable votes decide.
                b.forgotten = true;
                core.counters.forgottenAlarms++;
                out.log(core.line(b.txId, "PREPARED", "PREPARED",
                        "coordinator answered FORGOTTEN; asking the peers, whose durable votes decide"));
                askPeers(b, out);
            }
            case ACTIVE, PREPARING -> { } // undecided: the poll timer chain asks again
        }
    }

    void coordinatorUnreachable(Event.CoordinatorUnreachable e, Outputs.Builder out) {
        Branch b = ledger.branch(e.txId());
        if (b == null || b.phase != Branch.Phase.PREPARED || b.forgotten) return;
        b.coordinatorView = "unreachable: " + e.error();
        if (b.coordinatorUnreachableSinceMs < 0) b.coordinatorUnreachableSinceMs = e.silentSinceMs();
        // A short outage is waited out; only a coordinator lost for longer is worth troubling peers.
        if (e.nowMs() - b.coordinatorUnreachableSinceMs >= core.config.peerAskAfterMs()) askPeers(b, out);
    }

    /** Cooperative termination: a peer that committed or aborted (or had not voted) decides for us. */
    private void askPeers(Branch b, Outputs.Builder out) {
        for (String peer : b.participants) {
            if (!peer.equals(core.config.participantId())) out.message(new Message.AskPeer(b.txId, peer));
        }
    }

    /** True when every other participant of the branch has answered that it durably voted yes. */
    private boolean everyPeerVotedYes(Branch b) {
        for (String peer : b.participants) {
            if (!peer.equals(core.config.participantId()) && !b.peersVotedYes.contains(peer)) return false;
        }
        return true;
    }

    /** Asks each peer that has not answered yet; false if every one has. */
    private boolean askUnansweredPeers(Branch b, Outputs.Builder out) {
        boolean asked = false;
        for (String peer : b.participants) {
            if (peer.equals(core.config.participantId()) || b.peersAnswered.contains(peer)) continue;
            out.message(new Message.AskPeer(b.txId, peer));
            asked = true;
        }
        return asked;
    }

    void peerReplied(Event.PeerReplied e, Outputs.Builder out) {
        Branch b = ledger.branch(e.txId());
        if (b == null || b.phase != Branch.Phase.PREPARED) return;
        b.peerViews.put(e.peerId(), e.state() == null ? "error: " + e.error() : e.state().name());
        if (e.state() != null) b.peersAnswered.add(e.peerId());
        if (e.state() == BranchState.PREPARED && b.participants.contains(e.peerId())) {
            b.peersVotedYes.add(e.peerId());
            if (everyPeerVotedYes(b)) {
                // Implicit commit: T committed when the last participant durably voted yes, whether
                // or not any coordinator heard of it.
                commitPrepared(b, "every participant of " + b.participants + " durably voted yes (implicit commit)",
                        e.nowMs(), out);
                return;
            }
        }
        if (e.state() == BranchState.COMMITTED) {
            commitPrepared(b, "peer " + e.peerId() + " reports COMMITTED (cooperative termination)", e.nowMs(), out);
        } else if (e.state() == BranchState.ABORTED) {
            abortPrepared(b, "peer " + e.peerId() + " reports ABORTED (cooperative termination)", e.nowMs(), out);
        }
    }

    void poll(Timer.InDoubtPoll t, long nowMs, Outputs.Builder out) {
        Branch b = ledger.branch(t.txId());
        if (b == null || b.phase != Branch.Phase.PREPARED || t.attempt() != b.pollAttempt) return;
        if (b.txId.isExternal()) return; // its manager tells us; there is no Pledge coordinator to ask
        // Once the coordinator has forgotten the outcome only a peer can still tell it: ask again
        // every peer whose answer was lost, since one lost answer must not block the branch for
        // good (I6). Once every peer has answered and none knows, only an operator can decide.
        if (b.forgotten) {
            if (!askUnansweredPeers(b, out)) return;
        } else {
            out.message(new Message.AskCoordinatorStatus(b.txId));
        }
        // The next poll is set now, not on the answer, so a lost answer cannot stop the polling (I6).
        b.pollAttempt++;
        out.timer(new Timer.InDoubtPoll(b.txId, b.pollAttempt), nowMs + core.backoff.delayMs(b.pollAttempt, core.random));
    }

    void sweep(long nowMs, Outputs.Builder out) {
        List<Map.Entry<TxId, Remembered>> due = ledger.finishedBy(nowMs - core.config.outcomeRetentionMs(), SWEEP_MAX);
        Map<String, TxId> highest = new TreeMap<>();
        for (Map.Entry<TxId, Remembered> en : due) {
            TxId tx = en.getKey();
            if (en.getValue().durable()) ledger.record(new Record.OutcomeForgotten(tx), false, out);
            else ledger.forgetUnsynced(tx);
            highest.merge(tx.coordinatorId(), tx, BranchLedger.LATER);
        }
        // In the same batch as the deletions: forgetting never turns into a refusal (see peerState).
        // Only a raise is written: the store keeps one watermark per coordinator, the last one put.
        for (TxId w : highest.values()) {
            TxId mark = ledger.sweptUpTo(w.coordinatorId());
            if (mark == null || w.compareTo(mark) > 0) ledger.record(new Record.SweptUpTo(w), false, out);
        }
        out.timer(new Timer.OutcomeSweep(), nowMs + (due.size() == SWEEP_MAX ? 1 : core.sweepPeriodMs()));
    }

    private void commitPrepared(Branch b, String why, long nowMs, Outputs.Builder out) {
        out.log(core.line(b.txId, "PREPARED", "COMMITTED", why));
        applyCommit(b, nowMs, out);
    }

    private void applyCommit(Branch b, long nowMs, Outputs.Builder out) {
        core.counters.committed++;
        conclude(new Record.Applied(b.txId, new ArrayList<>(b.writes.values()), nowMs), true, nowMs, out);
    }

    private void abortPrepared(Branch b, String why, long nowMs, Outputs.Builder out) {
        out.log(core.line(b.txId, "PREPARED", "ABORTED", why));
        core.counters.abortedPrepared++;
        conclude(new Record.Concluded(b.txId, Record.Final.ABORTED, nowMs), false, nowMs, out);
    }

    /** Emits a final record, applies it (branch gone, locks released) and hands freed locks on. */
    private void conclude(Record r, boolean sync, long nowMs, Outputs.Builder out) {
        core.lockChanges(ledger.record(r, sync, out), nowMs, out);
    }

    /** The state to acknowledge for a decision about a branch that is gone; loud if it contradicts. */
    private BranchState finishedState(TxId txId, BranchState asked, long nowMs, Outputs.Builder out) {
        Remembered r = ledger.outcome(txId);
        if (r == null || r.state() == Record.Final.READ_ONLY) return asked;
        if (r.state().isHeuristic()) {
            return heuristics.decisionAfterHeuristic(txId, r, asked == BranchState.COMMITTED, nowMs, out);
        }
        String decision = asked == BranchState.COMMITTED ? "commit" : "abort";
        BranchState known = r.state() == Record.Final.COMMITTED ? BranchState.COMMITTED : BranchState.ABORTED;
        if (known != asked) {
            out.alarm(core.line(txId, known.name(), known.name(),
                    "coordinator sent " + decision + " but this branch is " + known + "; atomicity at risk"));
        }
        return known;
    }

}
