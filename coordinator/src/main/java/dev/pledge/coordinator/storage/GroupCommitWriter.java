package dev.pledge.coordinator.storage;

import dev.pledge.coordinator.protocol.Record;
import dev.pledge.core.Check;
import java.io.IOException;
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
 * Group commit in front of the {@link DecisionLog}: one writer thread takes every submission
 * waiting in a bounded queue (up to {@code batchSubmissionsMax}), writes all their records in one
 * batch, syncs once if any of them needs it, and then runs their {@code afterDurable} callbacks in
 * submission order. So many concurrent synced writes share one fsync, and effects are released
 * in the order the protocol produced them.
 */
public final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

    private record Submission(List<Record> records, boolean sync, Runnable afterDurable) {}

    private static final Submission STOP = new Submission(List.of(), false, () -> {});

    private final DecisionLog decisionLog;
    private final BlockingQueue<Submission> queue;
    private final int batchSubmissionsMax;
    private final Consumer<Throwable> onFatal;
    private final Thread thread;
    private volatile Throwable failure;

    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong submissions = new AtomicLong();
    private final AtomicLong syncedSubmissions = new AtomicLong();
    private final AtomicLong batchSubmissionsSeenMax = new AtomicLong();
    /** Submissions queued or being written whose callbacks have not run yet. */
    private final AtomicInteger unreleased = new AtomicInteger();

    /**
     * @param onFatal told once if a write fails: durability is then unknown, so the owner must stop
     */
    public GroupCommitWriter(DecisionLog decisionLog, int queueCapacity, int batchSubmissionsMax,
                             Consumer<Throwable> onFatal, String threadName) {
        Check.argument(queueCapacity > 0 && batchSubmissionsMax > 0, "capacity and batch limit must be > 0");
        this.decisionLog = decisionLog;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.batchSubmissionsMax = batchSubmissionsMax;
        this.onFatal = onFatal;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues {@code records} (possibly none: the callback still waits for every earlier write) and
     * runs {@code afterDurable} on the writer thread once they are durable, or at once on the
     * caller's thread when there are none and nothing earlier waits. Blocks while the queue is
     * full, which pushes back on the caller. Submit from one thread only.
     */
    public void submit(List<Record> records, boolean sync, Runnable afterDurable) throws InterruptedException {
        Throwable failed = failure;
        if (failed != null) throw new IllegalStateException("decision log failed earlier", failed);
        // Nothing to write and nothing earlier waiting: release now, on the caller's thread. Sound
        // because one thread submits (the event loop), so nothing can be queued behind our check.
        if (records.isEmpty() && unreleased.get() == 0) {
            afterDurable.run();
            return;
        }
        unreleased.incrementAndGet();
        queue.put(new Submission(List.copyOf(records), sync, afterDurable));
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

    public LogStats stats() {
        return new LogStats(batches.get(), syncs.get(), records.get(), submissions.get(), syncedSubmissions.get(),
                batchSubmissionsSeenMax.get());
    }

    private void run() {
        List<Submission> batch = new ArrayList<>(batchSubmissionsMax);
        try {
            while (true) {
                batch.clear();
                batch.add(queue.take());
                queue.drainTo(batch, batchSubmissionsMax - 1);
                boolean stop = batch.removeIf(s -> s == STOP);
                writeAndRelease(batch);
                if (stop) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            failure = e;
            log.error("decision log writer stopped: {}", e.toString(), e);
            onFatal.accept(e);
        }
    }

    private void writeAndRelease(List<Submission> batch) throws IOException {
        if (batch.isEmpty()) return;
        List<Record> all = new ArrayList<>();
        boolean sync = false;
        for (Submission s : batch) {
            all.addAll(s.records());
            sync |= s.sync();
            if (s.sync()) syncedSubmissions.incrementAndGet();
        }
        Check.state(!sync || !all.isEmpty(), "sync requested without records");
        if (!all.isEmpty()) {
            decisionLog.write(all, sync);
            batches.incrementAndGet();
            if (sync) syncs.incrementAndGet();
            records.addAndGet(all.size());
            submissions.addAndGet(batch.stream().filter(s -> !s.records().isEmpty()).count());
            batchSubmissionsSeenMax.accumulateAndGet(batch.size(), Math::max);
            BatchObserver o = batchObserver;
            if (o != null) o.written(batch.size(), sync);
        }
        for (Submission s : batch) {
            try {
                s.afterDurable().run();
            } catch (RuntimeException e) {
                // A failing effect must not stop durability for everyone else.
                log.error("effect after durable write failed: {}", e.toString(), e);
            } finally {
                unreleased.decrementAndGet();
            }
        }
    }

    /** Writes what is queued, runs its callbacks, and stops the writer thread. */
    @Override
    public void close() throws InterruptedException {
        if (thread.isAlive() && failure == null) {
            if (!queue.offer(STOP, 5, TimeUnit.SECONDS)) thread.interrupt();
        }
        thread.join(10_000);
    }
}
