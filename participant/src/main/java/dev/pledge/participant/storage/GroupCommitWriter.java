package dev.pledge.participant.storage;

import dev.pledge.core.Check;
import dev.pledge.participant.protocol.Record;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: one thread drains every waiting entry (up to a bound), writes all their records
 * as one batch, syncs once if any entry needs it, then runs the entries' after-durable actions in
 * submission order. Entries without records still pass through, so their effects keep their place
 * behind earlier records (the ordering rule on Outputs).
 *
 * <p>An entry may be submitted as <em>lingering</em>: it must be synced before its actions run, but
 * nobody is waiting on it urgently (a phase-two commit, whose acknowledgement only lets the
 * coordinator write END). A batch made only of lingering entries waits up to {@code lingerNs} for
 * any other entry and then goes out with it under one sync; so a participant serving one
 * transaction at a time syncs once per transaction (the next PREPARED carries the last commit)
 * instead of twice. The rule "synced before acknowledging" is unchanged; only when is chosen.
 *
 * <p>A failed write stops the writer for good: effects that depended on it are never released,
 * and {@code onFailure} tells the node to stop, because continuing could break a promise (I4).
 */
public final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

    /** Where batches go: the store, or a fake in tests. */
    public interface Sink {
        void write(List<Record> records, boolean sync) throws Exception;
    }

    private record Entry(List<Record> records, boolean mustSync, boolean lingering, Runnable afterDurable) {}

    private static final Entry STOP = new Entry(List.of(), false, false, () -> {});

    private final Sink sink;
    private final BlockingQueue<Entry> queue;
    private final int maxBatchEntries;
    private final long lingerNs;
    private final Consumer<Throwable> onFailure;
    private final Thread thread;
    private volatile Throwable failure;
    private volatile boolean closed;

    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong entries = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong syncedEntries = new AtomicLong();
    private final AtomicLong maxBatch = new AtomicLong();
    private final AtomicLong lingered = new AtomicLong();

    public GroupCommitWriter(String name, Sink sink, int queueCapacity, int maxBatchEntries, Consumer<Throwable> onFailure) {
        this(name, sink, queueCapacity, maxBatchEntries, 0, onFailure);
    }

    /** {@code lingerNs}: how long a batch of only lingering entries waits for company (0: never). */
    public GroupCommitWriter(String name, Sink sink, int queueCapacity, int maxBatchEntries, long lingerNs,
                             Consumer<Throwable> onFailure) {
        Check.argument(queueCapacity > 0 && maxBatchEntries > 0, "queueCapacity and maxBatchEntries must be > 0");
        Check.argument(lingerNs >= 0, "lingerNs must be >= 0");
        this.lingerNs = lingerNs;
        this.sink = Check.notNull(sink, "sink");
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.maxBatchEntries = maxBatchEntries;
        this.onFailure = Check.notNull(onFailure, "onFailure");
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** Submissions queued or being written whose actions have not run yet. */
    private final AtomicInteger unreleased = new AtomicInteger();

    public void start() {
        thread.start();
    }

    /**
     * Queues records and the action to run once they, and everything submitted earlier, are
     * durable; blocks while the queue is full (backpressure). Without records and with nothing
     * earlier still waiting, the action runs at once on the caller's thread (a hand-off saved).
     * One thread submits (the event loop), which is what makes that check sound.
     */
    public void submit(List<Record> recs, boolean mustSync, Runnable afterDurable) throws InterruptedException {
        submit(recs, mustSync, false, afterDurable);
    }

    /**
     * As {@link #submit(List, boolean, Runnable)}; a {@code lingering} entry (synced, not urgent)
     * may wait up to the writer's linger for other entries to share its sync.
     */
    public void submit(List<Record> recs, boolean mustSync, boolean lingering, Runnable afterDurable)
            throws InterruptedException {
        Check.state(!closed, "group commit writer is closed");
        if (failure != null) throw new IllegalStateException("log writer failed earlier: " + failure.getMessage(), failure);
        Check.notNull(afterDurable, "afterDurable");
        if (recs.isEmpty() && unreleased.get() == 0) {
            afterDurable.run();
            return;
        }
        unreleased.incrementAndGet();
        queue.put(new Entry(List.copyOf(recs), mustSync, lingering && mustSync, afterDurable));
    }

    private void run() {
        List<Entry> batch = new ArrayList<>(maxBatchEntries);
        while (true) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, maxBatchEntries - 1);
            try {
                linger(batch);
            } catch (InterruptedException e) {
                // close() gave up waiting: write what was taken, then stop.
                writeAndRelease(batch);
                return;
            }
            boolean stop = batch.remove(STOP);
            if (!batch.isEmpty() && !writeAndRelease(batch)) return;
            if (stop) return;
        }
    }

    /** While the batch holds only lingering entries, waits (up to the linger) for any other entry. */
    private void linger(List<Entry> batch) throws InterruptedException {
        if (lingerNs == 0 || !onlyLingering(batch)) return;
        lingered.incrementAndGet();
        long deadline = System.nanoTime() + lingerNs;
        while (batch.size() < maxBatchEntries && onlyLingering(batch)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return;
            Entry next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) return;
            batch.add(next);
            queue.drainTo(batch, maxBatchEntries - batch.size());
        }
    }

    private static boolean onlyLingering(List<Entry> batch) {
        for (Entry e : batch) {
            if (!e.lingering) return false;
        }
        return true;
    }

    private boolean writeAndRelease(List<Entry> batch) {
        List<Record> all = new ArrayList<>();
        boolean sync = false;
        int synced = 0;
        for (Entry e : batch) {
            all.addAll(e.records);
            sync |= e.mustSync;
            if (e.mustSync) synced++;
        }
        if (!all.isEmpty()) {
            try {
                sink.write(all, sync);
            } catch (Exception | Error e) {
                failure = e;
                log.error("log write failed; effects waiting on it are withheld and the node must stop", e);
                onFailure.accept(e);
                return false;
            }
            batches.incrementAndGet();
            records.addAndGet(all.size());
            if (sync) syncs.incrementAndGet();
            syncedEntries.addAndGet(synced);
            maxBatch.accumulateAndGet(batch.size(), Math::max);
            BatchObserver o = batchObserver;
            if (o != null) o.written(batch.size(), sync);
        }
        entries.addAndGet(batch.size());
        for (Entry e : batch) {
            try {
                e.afterDurable.run();
            } catch (RuntimeException ex) {
                log.error("an after-durable action failed", ex);
            } finally {
                unreleased.decrementAndGet();
            }
        }
        return true;
    }

    /** Told the size of every batch written (metrics); must be quick, runs on the writer thread. */
    public interface BatchObserver {
        void written(int entries, boolean synced);
    }

    private volatile BatchObserver batchObserver;

    /** Sets (or with null clears) the observer of written batches. */
    public void observeBatches(BatchObserver observer) {
        this.batchObserver = observer;
    }

    /** Batch statistics: how well fsyncs are shared. */
    public record Stats(long batches, long entries, long records, long syncs, long syncedEntries, long maxBatchEntries,
                        long lingered) {}

    public Stats stats() {
        return new Stats(batches.get(), entries.get(), records.get(), syncs.get(), syncedEntries.get(), maxBatch.get(),
                lingered.get());
    }

    /** Lets everything already queued finish (bounded wait), then stops the thread. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            if (thread.isAlive() && !queue.offer(STOP, 1, TimeUnit.SECONDS)) thread.interrupt();
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) thread.interrupt();
    }
}
