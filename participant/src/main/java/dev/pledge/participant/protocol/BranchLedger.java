package dev.pledge.participant.protocol;

import dev.pledge.core.AbortReason;
import dev.pledge.core.Check;
import dev.pledge.core.TxId;
import dev.pledge.core.TxIdMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BinaryOperator;

/**
 * The participant's memory: live branches, remembered outcomes, locks, incarnation and storage
 * identity. Every durable change goes through {@link #apply}, at start-up (replaying what the store
 * read back) and in operation ({@link #record} emits a record and applies it in one call), so memory
 * never differs from what a restart would rebuild from the same records.
 *
 * <p>What has no record is volatile and changes only through the named methods below: unprepared
 * branches, their lock waits and buffered writes, operations begun before their branch exists, and
 * outcomes remembered without a sync (a restart loses them, and that is safe; the callers say why).
 */
final class BranchLedger {
    private final Map<TxId, Branch> branches = new HashMap<>();
    /** Operations begun for a transaction that has no branch here yet (their first access creates it). */
    private final Map<TxId, Set<Long>> unbornOps = new HashMap<>();
    /**
     * Insertion order is finish order, so the retention sweep reads from the front. A {@link TxIdMap},
     * so that minutes of outcomes are arrays, not an entry and a TxId each for young collections to copy.
     */
    private final TxIdMap<Remembered> outcomes = new TxIdMap<>();
    /**
     * An outcome's time is rounded up to a multiple of this, so the outcomes that finish within one
     * grain with no reason share one {@link Remembered} ({@link #remembered}): a participant keeps
     * minutes of outcomes, and one object fewer each is memory and young-collection copying saved.
     * Rounding up only keeps an outcome longer, which is always safe; forgetting early never is.
     */
    private final long outcomeGrainMs;
    /** The newest shared outcome per state and durability (index {@code 2 * state.ordinal() + (durable ? 1 : 0)}). */
    private final Remembered[] shared = new Remembered[2 * Record.Final.values().length];
    private final LockTable locks = new LockTable();
    private long incarnation;
    /** This data directory's identity (0 until Start made or read it). */
    private long storageId;
    /** Per coordinator id, the highest TxId whose outcome the sweep may have dropped. */
    private final Map<String, TxId> sweptUpTo = new HashMap<>();
    /** The later of two TxIds of one coordinator. */
    static final BinaryOperator<TxId> LATER = BinaryOperator.maxBy(Comparator.naturalOrder());
    /** Outcome times are kept to a 1/{@value}th of the retention: an outcome may stay that much longer. */
    static final int OUTCOME_GRAINS_PER_RETENTION = 64;

    BranchLedger(long outcomeGrainMs) {
        Check.argument(outcomeGrainMs >= 1, "outcomeGrainMs must be >= 1, was %s", outcomeGrainMs);
        this.outcomeGrainMs = outcomeGrainMs;
    }

    /** The grain of outcome times for a retention of {@code outcomeRetentionMs}. */
    static long outcomeGrainMs(long outcomeRetentionMs) {
        return Math.max(1, outcomeRetentionMs / OUTCOME_GRAINS_PER_RETENTION);
    }

    /** What a restart would rebuild: the records that recreate this ledger's durable state. */
    record Durable(long incarnation, long storageId, Map<TxId, Record.Prepared> prepared,
                   Map<TxId, Record.Concluded> outcomes, Map<String, TxId> sweptUpTo) {}

    long incarnation() {
        return incarnation;
    }

    long storageId() {
        return storageId;
    }

    // ---- durable changes: one path for start-up and operation ----

    /** Emits {@code r} and applies it in the same step; returns lock changes for live waiters. */
    LockTable.Changes record(Record r, boolean sync, Outputs.Builder out) {
        out.record(r, sync);
        return apply(r);
    }

    /**
     * Emits a synced ABORTED outcome and applies it, keeping the reason in memory for repeats;
     * the reason is not durable (a restart answers with the outcome alone, as it always has).
     */
    LockTable.Changes recordAborted(TxId txId, AbortReason reason, String why, long nowMs, Outputs.Builder out) {
        Record.Concluded r = new Record.Concluded(txId, Record.Final.ABORTED, nowMs);
        out.record(r, true);
        return apply(r, reason, why);
    }

    /** Changes memory as a durable record says; recovery calls it for what the store read back. */
    LockTable.Changes apply(Record r) {
        return apply(r, null, null);
    }

    /** {@code reason} and {@code why} explain a Concluded outcome to repeats until a restart; they are not stored. */
    private LockTable.Changes apply(Record r, AbortReason reason, String why) {
        if (r instanceof Record.Incarnation i) {
            Check.state(i.number() > incarnation, "incarnation goes up: %s then %s", incarnation, i.number());
            incarnation = i.number();
            return LockTable.Changes.NONE;
        }
        if (r instanceof Record.Storage st) {
            Check.state(storageId == 0, "storage identity set twice: %s then %s", storageId, st.storageId());
            storageId = st.storageId();
            return LockTable.Changes.NONE;
        }
        if (r instanceof Record.Prepared p) return applyPrepared(p);
        if (r instanceof Record.Applied a) {
            return finish(a.txId(), remembered(a.outcome(), null, null, a.atMs(), true));
        }
        if (r instanceof Record.Concluded c) {
            return finish(c.txId(), remembered(c.state(), reason, why, c.atMs(), true));
        }
        if (r instanceof Record.OutcomeForgotten f) {
            Remembered gone = outcomes.remove(f.txId());
            Check.state(gone == null || gone.durable(), "OUTCOME_FORGOTTEN for an outcome that was never stored: %s", f);
            return LockTable.Changes.NONE;
        }
        if (r instanceof Record.SweptUpTo s) {
            sweptUpTo.merge(s.watermark().coordinatorId(), s.watermark(), LATER);
            return LockTable.Changes.NONE;
        }
        throw new IllegalStateException("unhandled record " + r);
    }

    private LockTable.Changes applyPrepared(Record.Prepared p) {
        Branch b = branches.get(p.txId());
        if (b == null) {
            // Start-up: the branch comes back PREPARED and re-takes the exclusive locks of its writes.
            b = new Branch(p.txId(), Branch.Phase.PREPARED);
            branches.put(p.txId(), b);
            for (Write w : p.writes()) {
                b.writes.put(w.key(), w);
                LockTable.Acquired got = locks.acquire(p.txId(), w.key(), LockMode.EXCLUSIVE);
                Check.state(got.outcome() == LockTable.Outcome.GRANTED,
                        "two PREPARED branches hold key %s (%s)", w.key(), p.txId());
            }
        }
        Check.state(b.phase == Branch.Phase.ACTIVE || b.phase == Branch.Phase.PREPARED && b.preparedAtMs == 0,
                "PREPARED applies to an ACTIVE branch, %s is %s", p.txId(), b.phase);
        Check.state(b.writes.keySet().equals(keysOf(p.writes())), "PREPARED of %s names other writes than the branch buffered", p.txId());
        b.phase = Branch.Phase.PREPARED;
        b.participants = p.participants();
        b.coordinatorId = p.coordinatorId();
        b.preparedIncarnation = p.incarnation();
        b.preparedAtMs = p.preparedAtMs();
        return locks.releaseAllBut(p.txId(), b.writes.keySet());
    }

    private static Set<Key> keysOf(List<Write> writes) {
        Set<Key> keys = new HashSet<>();
        for (Write w : writes) keys.add(w.key());
        return keys;
    }

    /** An outcome at {@code atMs} rounded up to the grain, shared with the outcomes of its grain when it has no reason. */
    private Remembered remembered(Record.Final state, AbortReason reason, String why, long atMs, boolean durable) {
        long at = Math.floorDiv(atMs + outcomeGrainMs - 1, outcomeGrainMs) * outcomeGrainMs;
        if (reason != null || why != null) return new Remembered(state, reason, why, at, durable);
        int slot = 2 * state.ordinal() + (durable ? 1 : 0);
        Remembered last = shared[slot];
        if (last != null && last.atMs() == at) return last;
        return shared[slot] = new Remembered(state, null, null, at, durable);
    }

    /** The branch is over: gone from the live set, its outcome remembered, its locks released. */
    private LockTable.Changes finish(TxId txId, Remembered outcome) {
        Branch b = branches.remove(txId);
        if (b != null) Check.state(b.pendingAccesses() == 0, "%s finished with parked operations", txId);
        outcomes.put(txId, outcome);
        return locks.releaseAll(txId);
    }

    // ---- volatile changes: no record, lost at a restart ----

    /** Aborts {@code txId} (a branch that never voted, or one unknown here) without a sync. */
    LockTable.Changes abortUnsynced(TxId txId, AbortReason reason, String why, long nowMs) {
        Branch b = branches.get(txId);
        Check.state(b == null || b.isUnprepared(), "a PREPARED branch is only aborted by a record: %s", txId);
        return finish(txId, remembered(Record.Final.ABORTED, reason, why, nowMs, false));
    }

    /** Notes an operation begun for a transaction that has no branch here yet. */
    void beginUnborn(TxId txId, long opSeq) {
        unbornOps.computeIfAbsent(txId, t -> new TreeSet<>()).add(opSeq);
    }

    boolean isUnbornRunning(TxId txId, long opSeq) {
        return unbornOps.getOrDefault(txId, Set.of()).contains(opSeq);
    }

    /** Transactions with operations begun and no branch yet. */
    int unbornCount() {
        return unbornOps.size();
    }

    /** The operation ended before it touched any data: true if it was one of those begun without a branch. */
    boolean endUnborn(TxId txId, long opSeq) {
        Set<Long> ops = unbornOps.get(txId);
        if (ops == null || !ops.remove(opSeq)) return false;
        if (ops.isEmpty()) unbornOps.remove(txId);
        return true;
    }

    /** A new ENLISTING branch, taking over the operations begun for it before it existed. */
    Branch enlist(TxId txId) {
        Branch b = born(txId, Branch.Phase.ENLISTING);
        Set<Long> begun = unbornOps.remove(txId);
        if (begun != null) b.runningOps.addAll(begun);
        return b;
    }

    /** A new ACTIVE branch whose whole write set came with its prepare or one-phase commit. */
    Branch bear(TxId txId, List<Write> writes) {
        Branch b = born(txId, Branch.Phase.ACTIVE);
        for (Write w : writes) b.writes.put(w.key(), w);
        return b;
    }

    private Branch born(TxId txId, Branch.Phase phase) {
        Check.state(!branches.containsKey(txId) && !outcomes.containsKey(txId), "branch %s born twice", txId);
        Branch b = new Branch(txId, phase);
        branches.put(txId, b);
        return b;
    }

    /** Drops a branch that never joined its transaction, so a retried operation enlists again. */
    void forgetUnjoined(Branch b) {
        Check.state(b.phase == Branch.Phase.ENLISTING && b.pendingAccesses() == 0, "forgetting %s in %s", b.txId, b.phase);
        Check.state(branches.remove(b.txId) == b, "forgetting %s, which is not live", b.txId);
    }

    /** Drops an outcome that was never stored (the sweep's counterpart of OUTCOME_FORGOTTEN). */
    void forgetUnsynced(TxId txId) {
        Remembered gone = outcomes.remove(txId);
        Check.state(gone != null && !gone.durable(), "forgetting stored outcome %s without a record", txId);
    }

    LockTable.Acquired acquire(TxId txId, Key key, LockMode mode) {
        return locks.acquire(txId, key, mode);
    }

    LockTable.Changes cancelWait(TxId txId, Key key) {
        return locks.cancelWait(txId, key);
    }

    // ---- reads ----

    /** The live branch, or null. Rules change its volatile fields; its durable ones change in {@link #apply}. */
    Branch branch(TxId txId) {
        return branches.get(txId);
    }

    Collection<Branch> branches() {
        return Collections.unmodifiableCollection(branches.values());
    }

    int branchCount() {
        return branches.size();
    }

    /** The remembered outcome, or null. */
    Remembered outcome(TxId txId) {
        return outcomes.get(txId);
    }

    /**
     * True if {@code txId} has no outcome here but the sweep may have dropped one: it is at or
     * below its coordinator's sweep watermark. Such a branch may have voted yes, so it is never refused.
     */
    boolean maybeSwept(TxId txId) {
        TxId w = sweptUpTo.get(txId.coordinatorId());
        return w != null && txId.compareTo(w) <= 0 && !outcomes.containsKey(txId) && !branches.containsKey(txId);
    }

    /** The sweep watermark of {@code coordinatorId}, or null. */
    TxId sweptUpTo(String coordinatorId) {
        return sweptUpTo.get(coordinatorId);
    }

    int outcomeCount() {
        return outcomes.size();
    }

    /** The oldest outcomes, up to {@code max} and up to the first that finished after {@code cutoffMs}. */
    List<Map.Entry<TxId, Remembered>> finishedBy(long cutoffMs, int max) {
        List<Map.Entry<TxId, Remembered>> due = new ArrayList<>();
        for (Map.Entry<TxId, Remembered> en : outcomes.entries()) {
            // Oldest first: the first one not due ends the scan (an out-of-order one behind it only stays longer).
            if (due.size() >= max || en.getValue().atMs() > cutoffMs) break;
            due.add(Map.entry(en.getKey(), en.getValue()));
        }
        return due;
    }

    Map<Key, LockMode> locksHeldBy(TxId txId) {
        return locks.heldBy(txId);
    }

    Map<TxId, LockMode> lockHolders(Key key) {
        return locks.holders(key);
    }

    Set<Key> lockedKeys() {
        return locks.lockedKeys();
    }

    boolean isWaiting(TxId txId, Key key) {
        return locks.isWaiting(txId, key);
    }

    Durable durable() {
        Map<TxId, Record.Prepared> prepared = new HashMap<>();
        for (Branch b : branches.values()) {
            if (b.phase != Branch.Phase.PREPARED) continue;
            prepared.put(b.txId, new Record.Prepared(b.txId, new ArrayList<>(b.writes.values()), b.participants,
                    b.coordinatorId, b.preparedIncarnation, b.preparedAtMs));
        }
        Map<TxId, Record.Concluded> stored = new HashMap<>();
        outcomes.forEach((txId, r) -> {
            if (r.durable()) stored.put(txId, new Record.Concluded(txId, r.state(), r.atMs()));
        });
        return new Durable(incarnation, storageId, prepared, stored, Map.copyOf(sweptUpTo));
    }
}
