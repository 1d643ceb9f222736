package dev.pledge.participant.runtime;

import dev.pledge.participant.rpc.HeuristicEntry;
import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.participant.protocol.Record;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The branches an operator forced, and whether the real decision later contradicted them. Fed the
 * records this node made durable (and, at start, the ones it recovered), so it never disagrees with
 * the log; Admin lists it and metrics count it.
 */
public final class HeuristicWatch {
    /** Bound on remembered heuristic branches; beyond it the oldest is dropped (counters still count it). */
    static final int TRACKED_MAX = 10_000;

    /** One forced branch: its state now and when that state was recorded. */
    private final Map<TxId, HeuristicEntry> entries = new TreeMap<>();
    /** Forced branches whose real outcome is known (agreeing, MIXED) or can no longer be learned. */
    private final java.util.Set<TxId> settled = new java.util.HashSet<>();
    private final AtomicLong forced = new AtomicLong();
    private final AtomicLong mixed = new AtomicLong();

    HeuristicWatch() {}

    /** Recovered records: remembered, not counted again (the counters are per process). */
    synchronized void recovered(List<Record> records) {
        for (Record r : records) {
            HeuristicEntry e = entryOf(r);
            if (e != null) put(e);
        }
    }

    /** Records that just became durable. */
    synchronized void recorded(List<Record> records) {
        for (Record r : records) {
            if (r instanceof Record.OutcomeForgotten f) {
                entries.remove(f.txId());
                settled.remove(f.txId());
                continue;
            }
            HeuristicEntry e = entryOf(r);
            if (e == null) continue;
            // The core already logged the transition at ERROR; one line per transition is enough.
            if (e.state() == BranchState.HEURISTIC_MIXED) {
                mixed.incrementAndGet();
            } else {
                forced.incrementAndGet();
            }
            put(e);
        }
    }

    private void put(HeuristicEntry e) {
        entries.put(e.txId(), e);
        if (e.state() == BranchState.HEURISTIC_MIXED) settled.add(e.txId());
        while (entries.size() > TRACKED_MAX) {
            TxId oldest = entries.keySet().iterator().next();
            entries.remove(oldest);
            settled.remove(oldest);
        }
    }

    /** Up to {@code max} forced branches whose real outcome is still to be learned, oldest first. */
    synchronized List<TxId> unsettled(int max) {
        return entries.keySet().stream().filter(t -> !settled.contains(t)).limit(max).toList();
    }

    /** The real outcome of {@code txId} was applied, or can no longer be learned: stop asking. */
    synchronized void settle(TxId txId) {
        if (entries.containsKey(txId)) settled.add(txId);
    }

    private static HeuristicEntry entryOf(Record r) {
        if (r instanceof Record.Applied a && a.outcome().isHeuristic()) {
            return new HeuristicEntry(a.txId(), a.outcome().branchState(), a.atMs());
        }
        if (r instanceof Record.Concluded c && c.state().isHeuristic()) {
            return new HeuristicEntry(c.txId(), c.state().branchState(), c.atMs());
        }
        return null;
    }

    public synchronized List<HeuristicEntry> entries() {
        return List.copyOf(entries.values());
    }

    public synchronized long mixedNow() {
        return entries.values().stream().filter(e -> e.state() == BranchState.HEURISTIC_MIXED).count();
    }

    public long forcedCount() {
        return forced.get();
    }

    public long mixedCount() {
        return mixed.get();
    }
}
