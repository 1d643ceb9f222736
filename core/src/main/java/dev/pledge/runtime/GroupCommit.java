package dev.pledge.runtime;

import dev.pledge.core.Check;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The ordering rule on Outputs, as a state machine with no threads and no clock: every record is
 * durable before any message or reply of the same or a later Outputs leaves.
 *
 * <p>Each step's Outputs is submitted as one entry: its records, whether they must be synced, and
 * the action that releases its messages and replies. A driver {@linkplain #take takes} the waiting
 * entries as one batch, {@linkplain Batch#write writes} their records with one call to the store
 * (one sync if any entry needs it), {@linkplain Batch#release releases} their actions (in
 * submission order, lingering ones last), and marks the batch {@linkplain #done done}. An entry
 * with no records still waits behind every earlier one.
 *
 * <p>A <em>lingering</em> entry must be synced before it is released but nobody waits on it
 * urgently (a phase-two commit, whose acknowledgement only lets the coordinator forget). A driver
 * may hold a batch made only of lingering entries for a short while so that the next urgent entry
 * shares its sync: one sync per transaction instead of two when one client commits back to back.
 *
 * <p>Two drivers exist: {@link GroupCommitWriter}, a thread per node in production, and the
 * simulator's, which takes and writes batches as scheduled events on its virtual clock. Not
 * thread-safe: the driver serializes every call.
 *
 * @param <R> the node's record type
 */
public final class GroupCommit<R> {
    /** What a driver is told so that it can log: the action that released an entry threw. */
    public interface Faults {
        void releaseFailed(RuntimeException e);
    }

    private record Entry<R>(List<R> records, boolean sync, boolean lingering, Runnable release) {}

    private static final Runnable NOTHING = () -> {};

    private final int batchEntriesMax;
    private final Set<Defect> defects;
    private final ArrayDeque<Entry<R>> queue = new ArrayDeque<>();
    /** Entries taken into a batch whose actions have not been released yet. */
    private int inFlight;
    private Throwable failure;

    private long batches;
    private long syncs;
    private long records;
    private long entries;
    private long syncedEntries;
    private long batchEntriesSeenMax;
    private long lingered;

    public GroupCommit(int batchEntriesMax) {
        this(batchEntriesMax, Set.of());
    }

    /** {@code defects}: deliberate bugs for mutation tests; production passes none. */
    public GroupCommit(int batchEntriesMax, Set<Defect> defects) {
        Check.argument(batchEntriesMax > 0, "batchEntriesMax must be > 0");
        this.batchEntriesMax = batchEntriesMax;
        this.defects = defects.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(defects));
    }

    /**
     * Queues one Outputs' records and the action that releases its effects. Returns what the
     * caller must run now, outside any lock: the action itself when there is nothing to write and
     * nothing earlier is waiting (a hand-off saved), otherwise nothing. Fails once a write failed:
     * durability is unknown from then on.
     */
    public Runnable submit(List<R> recs, boolean sync, boolean lingering, Runnable release) {
        Check.notNull(release, "release");
        if (failure != null) throw new IllegalStateException("log write failed earlier: " + failure, failure);
        sync &= !recs.isEmpty(); // nothing to sync: the entry still waits behind earlier ones
        Runnable now = NOTHING;
        if (!recs.isEmpty() && (defects.contains(Defect.RELEASED_BEFORE_DURABLE)
                || lingering && defects.contains(Defect.LINGERING_ACKED_BEFORE_SYNC))) {
            now = release;
            release = NOTHING;
        }
        if (recs.isEmpty() && queue.isEmpty() && inFlight == 0) return release;
        queue.add(new Entry<>(List.copyOf(recs), sync, lingering && sync, release));
        return now;
    }

    /** Entries waiting to be taken. */
    public int queued() {
        return queue.size();
    }

    /** True when nothing is queued or being written: a submission without records would run at once. */
    public boolean idle() {
        return queue.isEmpty() && inFlight == 0;
    }

    /** True when entries wait and every one of them lingers: the driver may hold them for company. */
    public boolean onlyLingering() {
        if (queue.isEmpty()) return false;
        for (Entry<R> e : queue) {
            if (!e.lingering()) return false;
        }
        return true;
    }

    /** Counts a batch the driver held back for company. */
    public void noteLingered() {
        lingered++;
    }

    /**
     * The queue in canonical text, oldest first: each entry's records, whether it syncs or
     * lingers, and its release action's {@code toString} (the simulator names its actions so that
     * equal states hash equal).
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Entry<R> e : queue) {
            sb.append('[').append(e.records()).append(e.sync() ? " sync" : "").append(e.lingering() ? " linger" : "")
                    .append(' ').append(e.release()).append(']');
        }
        return sb.toString();
    }

    /** Takes up to the batch limit of waiting entries, oldest first; null when none wait. */
    public Batch<R> take() {
        if (queue.isEmpty()) return null;
        if (failure != null) throw new IllegalStateException("log write failed earlier: " + failure, failure);
        List<Entry<R>> taken = new ArrayList<>(Math.min(queue.size(), batchEntriesMax));
        while (!queue.isEmpty() && taken.size() < batchEntriesMax) taken.add(queue.poll());
        inFlight += taken.size();
        return new Batch<>(this, taken);
    }

    /**
     * After a batch's actions ran ({@link Batch#release}): the batch is no longer in flight, so a
     * later submission without records may run at once again.
     */
    public void done(Batch<R> batch) {
        Check.state(batch.owner == this && batch.released, "batch done before its actions ran");
        inFlight -= batch.entries.size();
    }

    /**
     * The write of a batch failed: nothing taken or queued is ever released (its durability is
     * unknown), and every later submission fails. The node must stop deciding.
     */
    public void fail(Throwable cause) {
        if (failure == null) failure = Check.notNull(cause, "cause");
        queue.clear();
    }

    /** The first write failure, or null. */
    public Throwable failure() {
        return failure;
    }

    public LogStats stats() {
        return new LogStats(batches, syncs, records, entries, syncedEntries, batchEntriesSeenMax, lingered);
    }

    /** Entries taken together: their records go to the store in one write. */
    public static final class Batch<R> {
        private final GroupCommit<R> owner;
        private final List<Entry<R>> entries;
        private boolean written;
        private boolean synced;
        private boolean released;

        private Batch(GroupCommit<R> owner, List<Entry<R>> entries) {
            this.owner = owner;
            this.entries = entries;
        }

        public int size() {
            return entries.size();
        }

        /** Every record of the batch, in submission order. */
        public List<R> records() {
            List<R> all = new ArrayList<>();
            for (Entry<R> e : entries) all.addAll(e.records());
            return all;
        }

        /** True if some entry of the batch must be synced. */
        public boolean sync() {
            for (Entry<R> e : entries) {
                if (e.sync()) return true;
            }
            return false;
        }

        /**
         * Writes the records with one call to {@code store} (none when there are none), syncing if
         * any entry asked to. May run outside the driver's lock: it touches no shared state. Returns
         * whether a sync was asked of the store. The driver then calls {@code count} and
         * {@link GroupCommit#release} under its lock.
         */
        public boolean write(LogStore<R> store) throws Exception {
            Check.state(!written, "batch written twice");
            List<R> all = records();
            boolean sync = sync() && !owner.defects.contains(Defect.WRITER_SKIPS_SYNC);
            if (!all.isEmpty()) store.write(all, sync);
            written = true;
            synced = sync && !all.isEmpty();
            return synced;
        }

        /**
         * Runs the actions of the written batch: the urgent entries' in submission order, then the
         * lingering ones'. Every record of the batch is durable by now, so any order keeps the rule;
         * this one sends a vote before the acknowledgement of a commit that waited to share its sync.
         * Touches no shared state, so a driver runs it outside its lock. An action that throws is
         * reported to {@code faults} and does not stop the others.
         */
        public void release(Faults faults) {
            Check.state(written && !released, "batch released twice or before its write");
            released = true;
            for (Entry<R> e : entries) {
                if (!e.lingering()) run(e, faults);
            }
            for (Entry<R> e : entries) {
                if (e.lingering()) run(e, faults);
            }
        }

        private static void run(Entry<?> e, Faults faults) {
            try {
                e.release().run();
            } catch (RuntimeException ex) {
                faults.releaseFailed(ex);
            }
        }

        /** Adds the written batch to the statistics (under the driver's lock). */
        public void count() {
            Check.state(written, "batch counted before its write");
            int recs = 0;
            int synced = 0;
            for (Entry<R> e : entries) {
                recs += e.records().size();
                if (e.sync()) synced++;
            }
            owner.entries += entries.size();
            if (recs == 0) return;
            owner.batches++;
            owner.records += recs;
            owner.syncedEntries += synced;
            if (this.synced) owner.syncs++;
            owner.batchEntriesSeenMax = Math.max(owner.batchEntriesSeenMax, entries.size());
        }
    }
}
