package dev.pledge.participant.protocol;

import dev.pledge.core.AbortReason;
import dev.pledge.core.Backoff;
import dev.pledge.core.Check;
import dev.pledge.core.Incarnations;
import dev.pledge.core.TxId;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;

/**
 * The participant's protocol as a deterministic step function: {@code Outputs step(Event)}.
 * No I/O, threads or clock: time comes in on every event, randomness from a seeded Random.
 * The runtime executes each {@link Outputs} under the ordering rule written there.
 *
 * <p>State lives in one {@link BranchLedger}: durable changes go through its {@code apply(record)},
 * which also rebuilds state at start-up ({@link #recover}); recovery is replay, not a second implementation.
 */
public final class ParticipantCore {

    final CoreConfig config;
    final Random random;
    final Backoff backoff;
    final BranchLedger ledger;
    final CoreCounters counters = new CoreCounters();
    private final AccessRules accessRules;
    private final DecisionRules decisionRules;
    private final HeuristicRules heuristicRules;
    private boolean started;

    private ParticipantCore(CoreConfig config, Random random) {
        this.config = Check.notNull(config, "config");
        this.random = Check.notNull(random, "random");
        this.backoff = new Backoff(config.inDoubtPollBaseMs(), config.inDoubtPollMaxMs());
        this.ledger = new BranchLedger(BranchLedger.outcomeGrainMs(config.outcomeRetentionMs()));
        this.accessRules = new AccessRules(this);
        this.heuristicRules = new HeuristicRules(this);
        this.decisionRules = new DecisionRules(this, heuristicRules);
    }

    /** Rebuilds state from the durable records (in any order of kinds the store returns). Step {@link Event.Start} next. */
    public static ParticipantCore recover(CoreConfig config, List<Record> durable, long nowMs, Random random) {
        ParticipantCore core = new ParticipantCore(config, random);
        for (Record r : durable) {
            Check.state(!(r instanceof Record.Applied), "the store returns applied commits as Concluded, got %s", r);
            LockTable.Changes c = core.ledger.apply(r);
            Check.state(c.isEmpty(), "replay must not move locks of live waiters: %s", c);
        }
        return core;
    }

    public Outputs step(Event e) {
        Check.notNull(e, "event");
        Check.state(started || e instanceof Event.Start, "the first event must be Start, got %s", e);
        Outputs.Builder out = new Outputs.Builder(e.nowMs());
        if (e instanceof Event.Start s) start(s, out);
        else if (e instanceof Event.BeginOp b) accessRules.beginOp(b, out);
        else if (e instanceof Event.EndOp end) accessRules.endOp(end);
        else if (e instanceof Event.OpFailed f) accessRules.opFailed(f);
        else if (e instanceof Event.Access a) accessRules.access(a, out);
        else if (e instanceof Event.EnlistResult r) accessRules.enlistResult(r, out);
        else if (e instanceof Event.Prepare p) decisionRules.prepare(p, out);
        else if (e instanceof Event.Commit c) decisionRules.commit(c, out);
        else if (e instanceof Event.Abort a) decisionRules.abort(a, out);
        else if (e instanceof Event.CommitOnePhase c) decisionRules.commitOnePhase(c, out);
        else if (e instanceof Event.PeerState p) decisionRules.peerState(p, out);
        else if (e instanceof Event.CoordinatorStatus s) decisionRules.coordinatorStatus(s, out);
        else if (e instanceof Event.CoordinatorUnreachable u) decisionRules.coordinatorUnreachable(u, out);
        else if (e instanceof Event.PeerReplied p) decisionRules.peerReplied(p, out);
        else if (e instanceof Event.Resolve r) heuristicRules.resolve(r, out);
        else if (e instanceof Event.TimerFired t) timerFired(t, out);
        else throw new IllegalStateException("unhandled event " + e);
        return out.build();
    }

    private void start(Event.Start s, Outputs.Builder out) {
        Check.state(!started, "Start twice");
        started = true;
        boolean emptyDisk = ledger.incarnation() == 0;
        if (ledger.storageId() == 0) {
            ledger.record(new Record.Storage(s.start().storageId()), true, out);
            if (emptyDisk) {
                // Normal on a first start; after a lost disk, coordinators holding its old votes raise the alarm.
                out.log(config.participantId() + " started on an empty data directory (storage "
                        + Incarnations.storageName(ledger.storageId()) + "): votes of any earlier life of this node are gone,"
                        + " and coordinators holding one report their transaction as damaged");
            }
        }
        ledger.record(new Record.Incarnation(Incarnations.next(ledger.incarnation(), s.start().floor())), true, out);
        for (Branch b : ledger.branches()) {
            Check.state(b.phase == Branch.Phase.PREPARED, "only PREPARED branches survive a restart");
            if (b.txId.isExternal()) {
                out.log(line(b.txId, "PREPARED", "PREPARED", "recovered in doubt; waiting for its external manager"));
                continue;
            }
            out.log(line(b.txId, "PREPARED", "PREPARED", "recovered in doubt; asking coordinator " + b.coordinatorId));
            out.timer(new Timer.InDoubtPoll(b.txId, 0), s.nowMs() + backoff.delayMs(0, random));
        }
        out.timer(new Timer.OutcomeSweep(), s.nowMs() + sweepPeriodMs());
    }

    private void timerFired(Event.TimerFired t, Outputs.Builder out) {
        Timer timer = t.timer();
        if (timer instanceof Timer.BranchDeadline d) accessRules.deadline(d, t.nowMs(), out);
        else if (timer instanceof Timer.LockWait w) accessRules.lockWaitExpired(w, t.nowMs(), out);
        else if (timer instanceof Timer.InDoubtPoll p) decisionRules.poll(p, t.nowMs(), out);
        else if (timer instanceof Timer.OutcomeSweep) decisionRules.sweep(t.nowMs(), out);
        else throw new IllegalStateException("unhandled timer " + timer);
    }

    long sweepPeriodMs() {
        return Math.max(1, config.outcomeRetentionMs() / 4);
    }

    /**
     * Aborts a branch that has not voted: fails its parked operations, releases its locks and
     * remembers ABORTED. {@code durable}: a peer is told ABORTED, so OUTCOME is synced first.
     */
    void abortUnprepared(Branch b, AbortReason reason, String why, boolean durable, long nowMs, Outputs.Builder out) {
        lockChanges(abortKeepingChanges(b, reason, why, durable, nowMs, out), nowMs, out);
    }

    /** Hands granted locks to their parked operations and aborts wait-die victims, until nothing moves. */
    void lockChanges(LockTable.Changes first, long nowMs, Outputs.Builder out) {
        ArrayDeque<LockTable.Changes> work = new ArrayDeque<>();
        work.add(first);
        // Each round removes at least one branch for good, so the live branches bound the loop.
        int limit = 2 + 2 * ledger.branchCount();
        for (int round = 0; !work.isEmpty(); round++) {
            Check.state(round < limit, "lock changes did not settle after %s rounds", round);
            LockTable.Changes c = work.poll();
            for (LockTable.Request g : c.granted()) accessRules.granted(g, out);
            for (LockTable.Request v : c.victims()) {
                Branch b = ledger.branch(v.tx());
                if (b == null || !b.isUnprepared() || !b.waits.containsKey(v.key())) continue;
                work.add(abortKeepingChanges(b, AbortReason.DEADLOCK_AVOIDED,
                        "wait-die: an older transaction now holds key " + v.key(), false, nowMs, out));
            }
        }
    }

    /** The abort itself; the caller processes the returned lock changes (keeps lockChanges iterative). */
    private LockTable.Changes abortKeepingChanges(Branch b, AbortReason reason, String why, boolean durable,
                                                  long nowMs, Outputs.Builder out) {
        Check.state(b.isUnprepared(), "a PREPARED branch never aborts on its own (I4): %s", b.txId);
        for (Event.Access a : b.parked) out.reply(new Reply.Failed(a.token(), Reply.ErrorKind.NOT_ALLOWED, reason, why));
        for (Branch.Wait w : b.waits.values()) {
            for (Event.Access a : w.accesses) out.reply(new Reply.Failed(a.token(), Reply.ErrorKind.NOT_ALLOWED, reason, why));
        }
        b.parked.clear();
        b.waits.clear();
        out.log(line(b.txId, b.phase.name(), "ABORTED", why));
        counters.abortedUnprepared++;
        return durable ? ledger.recordAborted(b.txId, reason, why, nowMs, out)
                : ledger.abortUnsynced(b.txId, reason, why, nowMs);
    }

    String line(TxId txId, String from, String to, String why) {
        return config.participantId() + " tx " + txId + " " + from + " -> " + to + " (" + why + ")";
    }

    // ---- read-only views for the runtime, simulators and checkers ----

    public CoreView view() {
        return new CoreView(this);
    }
}
