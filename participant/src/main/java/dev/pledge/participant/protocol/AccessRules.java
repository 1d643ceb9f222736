package dev.pledge.participant.protocol;

import dev.pledge.core.AbortReason;
import dev.pledge.core.Check;
import dev.pledge.core.Limits;
import dev.pledge.core.TxId;
import java.util.ArrayList;

/** Operations of unprepared branches: enlistment, locks, buffered writes, lock waits and deadlines. */
final class AccessRules {
    private final ParticipantCore core;
    private final BranchLedger ledger;
    private long nextWaitId = 1;

    AccessRules(ParticipantCore core) {
        this.core = core;
        this.ledger = core.ledger;
    }

    /**
     * A retry of an operation whose first run is still going must not run it again (I7): it is told
     * to retry later ({@code Unavailable}), and by then it gets the first run's cached result.
     */
    void beginOp(Event.BeginOp e, Outputs.Builder out) {
        Branch b = ledger.branch(e.txId());
        if (b == null) {
            Reply.Failed finished = finishedError(e.token(), e.txId());
            if (finished != null) {
                out.reply(finished);
            } else if (ledger.isUnbornRunning(e.txId(), e.opSeq())) {
                out.reply(stillRunning(e));
            } else if (ledger.unbornCount() >= core.config.maxBranches()) {
                out.reply(new Reply.Failed(e.token(), Reply.ErrorKind.UNAVAILABLE, null,
                        "participant is at its limit of " + core.config.maxBranches() + " live transactions"));
            } else {
                ledger.beginUnborn(e.txId(), e.opSeq());
                out.reply(new Reply.Proceed(e.token()));
            }
        } else if (b.phase == Branch.Phase.PREPARED) {
            out.reply(new Reply.Failed(e.token(), Reply.ErrorKind.NOT_ALLOWED, null,
                    "transaction " + e.txId() + " is already PREPARED here; no more operations"));
        } else if (b.opResults.containsKey(e.opSeq())) {
            core.counters.cachedOps++;
            out.reply(new Reply.Cached(e.token(), b.opResults.get(e.opSeq())));
        } else if (b.runningOps.contains(e.opSeq())) {
            out.reply(stillRunning(e));
        } else {
            b.runningOps.add(e.opSeq());
            out.reply(new Reply.Proceed(e.token()));
        }
    }

    private static Reply.Failed stillRunning(Event.BeginOp e) {
        return new Reply.Failed(e.token(), Reply.ErrorKind.UNAVAILABLE, null,
                "operation " + e.opSeq() + " of " + e.txId() + " is still running; retry for its result");
    }

    void endOp(Event.EndOp e) {
        if (ledger.endUnborn(e.txId(), e.opSeq())) return;
        Branch b = ledger.branch(e.txId());
        if (b == null || !b.isUnprepared()) return;
        b.runningOps.remove(e.opSeq());
        b.brokenOps.remove(e.opSeq());
        if (b.opResults.size() < Branch.MAX_CACHED_OPS) b.opResults.putIfAbsent(e.opSeq(), e.result());
    }

    void opFailed(Event.OpFailed e) {
        if (ledger.endUnborn(e.txId(), e.opSeq())) return;
        Branch b = ledger.branch(e.txId());
        if (b == null || !b.isUnprepared()) return;
        b.runningOps.remove(e.opSeq());
        if (b.opsThatWrote.contains(e.opSeq())) b.brokenOps.add(e.opSeq());
    }

    void access(Event.Access a, Outputs.Builder out) {
        Branch b = ledger.branch(a.txId());
        if (b == null) {
            enlistFirst(a, out);
            return;
        }
        if (b.phase == Branch.Phase.PREPARED) {
            out.reply(new Reply.Failed(a.token(), Reply.ErrorKind.NOT_ALLOWED, null,
                    "transaction " + a.txId() + " is already PREPARED here; no more operations"));
            return;
        }
        if (!a.mode().isRead() && !b.writes.containsKey(a.key()) && b.writes.size() >= Limits.WRITES_PER_BRANCH_MAX) {
            out.reply(new Reply.Failed(a.token(), Reply.ErrorKind.INVALID, null, "transaction " + a.txId() + " already writes "
                    + b.writes.size() + " keys here, max " + Limits.WRITES_PER_BRANCH_MAX + " (Limits.WRITES_PER_BRANCH_MAX)"));
            return;
        }
        if (b.pendingAccesses() >= core.config.maxWaitsPerBranch()) {
            out.reply(new Reply.Failed(a.token(), Reply.ErrorKind.UNAVAILABLE, null,
                    "too many concurrent operations for transaction " + a.txId()));
            return;
        }
        // An access means its operation is running, even when the branch did not exist at BeginOp.
        b.runningOps.add(a.opSeq());
        if (b.phase == Branch.Phase.ENLISTING) {
            b.parked.add(a);
            return;
        }
        lockAndRun(b, a, out);
    }

    private void enlistFirst(Event.Access a, Outputs.Builder out) {
        Reply.Failed finished = finishedError(a.token(), a.txId());
        if (finished != null) {
            out.reply(finished);
            return;
        }
        if (a.txId().isExternal()) {
            // No Pledge coordinator to enlist with; its manager's resource sends the writes with prepare.
            out.reply(new Reply.Failed(a.token(), Reply.ErrorKind.INVALID, null, "transaction " + a.txId()
                    + " is coordinated externally (XA): send its writes with prepare, not as operations"));
            return;
        }
        if (ledger.branchCount() >= core.config.maxBranches()) {
            out.reply(new Reply.Failed(a.token(), Reply.ErrorKind.UNAVAILABLE, null,
                    "participant is at its limit of " + core.config.maxBranches() + " live transactions"));
            return;
        }
        Branch b = ledger.enlist(a.txId());
        b.runningOps.add(a.opSeq());
        b.parked.add(a);
        // A lost enlist answer must not leave the branch parked forever.
        b.deadlineMs = a.nowMs() + core.config.enlistWaitMaxMs();
        out.timer(new Timer.BranchDeadline(a.txId()), b.deadlineMs);
        out.message(new Message.Enlist(a.txId(), ledger.incarnation()));
    }

    void enlistResult(Event.EnlistResult r, Outputs.Builder out) {
        Branch b = ledger.branch(r.txId());
        if (b == null || b.phase != Branch.Phase.ENLISTING) return;
        if (!r.ok()) {
            refuse(b, r, out);
            return;
        }
        b.phase = Branch.Phase.ACTIVE;
        b.deadlineMs = r.nowMs() + Math.max(0, r.txRemainingMs());
        core.counters.enlisted++;
        out.routine(core.line(b.txId, "UNKNOWN", "ACTIVE", "enlisted, " + r.txRemainingMs() + " ms left"));
        out.timer(new Timer.BranchDeadline(b.txId), b.deadlineMs);
        // Parked operations run in arrival order; an abort on the way fails the rest.
        int bound = b.parked.size();
        for (int i = 0; i < bound && !b.parked.isEmpty() && ledger.branch(b.txId) == b; i++) {
            lockAndRun(b, b.parked.poll(), out);
        }
    }

    private void refuse(Branch b, Event.EnlistResult r, Outputs.Builder out) {
        String why = "coordinator refused enlist: " + r.message();
        if (r.errorKind() == Reply.ErrorKind.UNAVAILABLE) {
            forgetUnjoined(b, Reply.ErrorKind.UNAVAILABLE, why, out);
            return;
        }
        if (r.errorKind() == Reply.ErrorKind.UNKNOWN_TRANSACTION) {
            // Never issued: no transaction whose outcome to keep. A kept one would be swept, and a forged id
            // (epoch Long.MAX_VALUE) would move the sweep watermark past every real transaction of the coordinator.
            forgetUnjoined(b, Reply.ErrorKind.NOT_ALLOWED, why, out);
            return;
        }
        for (Event.Access a : b.parked) out.reply(new Reply.Failed(a.token(), r.errorKind(), null, why));
        b.parked.clear();
        core.abortUnprepared(b, null, why, false, r.nowMs(), out);
    }

    /** Not joined at all: forget the branch, so that a retried operation tries to enlist again; its operations fail {@code kind}. */
    private void forgetUnjoined(Branch b, Reply.ErrorKind kind, String why, Outputs.Builder out) {
        for (Event.Access a : b.parked) out.reply(new Reply.Failed(a.token(), kind, null, why));
        b.parked.clear();
        ledger.forgetUnjoined(b);
    }

    private void lockAndRun(Branch b, Event.Access a, Outputs.Builder out) {
        Branch.Wait existing = b.waits.get(a.key());
        if (existing != null) {
            existing.accesses.add(a);
            return;
        }
        LockMode mode = a.mode() == Event.AccessMode.READ ? LockMode.SHARED : LockMode.EXCLUSIVE;
        LockTable.Acquired got = ledger.acquire(b.txId, a.key(), mode);
        switch (got.outcome()) {
            case GRANTED -> run(b, a, out);
            case WAIT -> {
                Branch.Wait w = new Branch.Wait(nextWaitId++);
                w.accesses.add(a);
                b.waits.put(a.key(), w);
                core.counters.lockWaits++;
                long giveUpAtMs = Math.min(a.nowMs() + core.config.lockWaitMaxMs(), b.deadlineMs);
                out.timer(new Timer.LockWait(b.txId, a.key(), w.waitId), giveUpAtMs);
            }
            case DIE -> {
                core.counters.waitDieDeaths++;
                b.parked.addFirst(a);
                core.abortUnprepared(b, AbortReason.DEADLOCK_AVOIDED,
                        "wait-die: an older transaction holds key " + a.key(), false, a.nowMs(), out);
            }
        }
        core.lockChanges(got.changes(), a.nowMs(), out);
    }

    /** The lock is held: buffer a write, or say where a read's value comes from. */
    private void run(Branch b, Event.Access a, Outputs.Builder out) {
        if (!a.mode().isRead()) {
            b.opsThatWrote.add(a.opSeq());
            // A write granted after its operation ended (the caller gave up waiting) leaves that operation half done.
            if (!b.runningOps.contains(a.opSeq())) b.brokenOps.add(a.opSeq());
            b.writes.remove(a.key());
            b.writes.put(a.key(), a.write());
            out.reply(new Reply.Granted(a.token(), false, null));
            return;
        }
        Write own = b.writes.get(a.key());
        out.reply(own == null ? new Reply.Granted(a.token(), true, null) : new Reply.Granted(a.token(), false, own.value()));
    }

    void granted(LockTable.Request g, Outputs.Builder out) {
        Branch b = ledger.branch(g.tx());
        // Aborted earlier in the same round: its abort already gave this lock back.
        if (b == null) return;
        Check.state(b.isUnprepared(), "lock granted to a PREPARED branch: %s", g);
        Branch.Wait w = b.waits.remove(g.key());
        Check.state(w != null, "lock granted to %s on %s without a parked operation", g.tx(), g.key());
        for (Event.Access a : new ArrayList<>(w.accesses)) lockAndRun(b, a, out);
    }

    void lockWaitExpired(Timer.LockWait t, long nowMs, Outputs.Builder out) {
        Branch b = ledger.branch(t.txId());
        if (b == null || !b.isUnprepared()) return;
        Branch.Wait w = b.waits.get(t.key());
        if (w == null || w.waitId != t.waitId()) return;
        core.counters.lockTimeouts++;
        core.abortUnprepared(b, AbortReason.LOCK_TIMEOUT, "lock wait timed out on key " + t.key(), false, nowMs, out);
    }

    void deadline(Timer.BranchDeadline t, long nowMs, Outputs.Builder out) {
        Branch b = ledger.branch(t.txId());
        // A PREPARED branch ignores its deadline: after a YES vote only the decision moves it (I4).
        if (b == null || b.phase == Branch.Phase.PREPARED) return;
        if (nowMs < b.deadlineMs) {
            out.timer(t, b.deadlineMs);
            return;
        }
        if (b.phase == Branch.Phase.ENLISTING) {
            forgetUnjoined(b, Reply.ErrorKind.UNAVAILABLE, "no answer from the coordinator to enlist", out);
            return;
        }
        core.abortUnprepared(b, AbortReason.DEADLINE_EXCEEDED, "transaction deadline passed", false, nowMs, out);
    }

    /** An operation on a transaction that already finished here fails NOT_ALLOWED with the reason; null if none. */
    private Reply.Failed finishedError(long token, TxId txId) {
        Remembered r = ledger.outcome(txId);
        if (r == null && ledger.maybeSwept(txId)) {
            // A late operation of a transaction decided long ago: building its branch again would
            // end in a remembered ABORTED that a peer could hear as a refusal of a committed one.
            return new Reply.Failed(token, Reply.ErrorKind.NOT_ALLOWED, null, "transaction " + txId
                    + " is at or below the sweep watermark: it finished here long ago and its outcome was swept");
        }
        if (r == null) return null;
        String msg = r.state() == Record.Final.ABORTED
                ? "transaction " + txId + " was aborted here" + (r.message() == null ? "" : ": " + r.message())
                : "transaction " + txId + " already finished here (" + r.state() + ")";
        return new Reply.Failed(token, Reply.ErrorKind.NOT_ALLOWED, r.reason(), msg);
    }
}
