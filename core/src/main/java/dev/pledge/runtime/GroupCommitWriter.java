package dev.pledge.runtime;

import dev.pledge.core.Check;
import dev.pledge.failpoint.Failpoints;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The production driver of {@link GroupCommit}: one writer thread per node takes every entry
 * waiting (up to the batch limit), writes their records in one batch, syncs once if any needs it,
 * then releases their actions in submission order on the writer thread. Many concurrent synced
 * writes share one fsync; effects leave in the order the protocol produced them.
 *
 * <p>One thread at a time submits: whichever owns the node's core, its loop thread or a thread
 * running a task in place ({@link NodeLoop}); the queue is bounded and a full queue blocks it,
 * which pushes back on the loop and, through the loop's own bounded queue, on callers. A failed
 * write stops the writer for good: the effects that depended on it are never released and
 * {@link Listener#writeFailed} tells the node to stop deciding, since continuing could break a
 * promise already made.
 *
 * @param <R> the node's record type
 */
public final class GroupCommitWriter<R> implements AutoCloseable {
    /** What the node hears from its writer. Runs on the writer thread; must be quick. */
    public interface Listener extends GroupCommit.Faults {
        /** A write failed: durability is unknown from here on. Told once. */
        void writeFailed(Throwable cause);

        /** A batch was written (for metrics). */
        default void written(int entries, boolean synced) {}
    }

    /** Settings; {@code lingerNs} 0 means a batch never waits for company. */
    public record Settings(int queueMax, int batchEntriesMax, long lingerNs) {
        public Settings {
            Check.argument(queueMax > 0, "queueMax must be > 0");
            Check.argument(batchEntriesMax > 0, "batchEntriesMax must be > 0");
            Check.argument(lingerNs >= 0, "lingerNs must be >= 0");
        }
    }

    /** Failure point: with action {@code fail}, the next batch's write fails as a broken disk's would. */
    public static final String FAILPOINT_WRITE = "log.write";
    private static final long CLOSE_WAIT_MS = 5_000;

    private final LogStore<R> store;
    private final Settings settings;
    private final Listener listener;
    private final GroupCommit<R> log;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition room = lock.newCondition();
    private final Thread thread;
    private boolean stopping;

    public GroupCommitWriter(String threadName, LogStore<R> store, Settings settings, Listener listener) {
        this(threadName, store, settings, listener, Set.of());
    }

    /** {@code defects}: deliberate bugs for mutation tests; production passes none. */
    public GroupCommitWriter(String threadName, LogStore<R> store, Settings settings, Listener listener,
                             Set<Defect> defects) {
        this.store = Check.notNull(store, "store");
        this.settings = Check.notNull(settings, "settings");
        this.listener = Check.notNull(listener, "listener");
        this.log = new GroupCommit<>(settings.batchEntriesMax(), defects);
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /**
     * Queues {@code records} and the action to run once they, and everything submitted earlier,
     * are durable. With no records and nothing earlier waiting, the action runs at once on the
     * caller's thread. Blocks while the queue is full. Fails once a write has failed or after
     * {@link #close}.
     *
     * @param lingering synced but not urgent: may wait up to the linger for another entry's sync
     */
    public void submit(List<R> records, boolean sync, boolean lingering, Runnable release) throws InterruptedException {
        Runnable now = null;
        GroupCommit.Batch<R> here = null;
        lock.lockInterruptibly();
        try {
            Check.state(!stopping, "log writer is closed");
            while (log.queued() >= settings.queueMax() && log.failure() == null) room.await();
            if (!sync && !records.isEmpty() && log.idle() && store.writesAreLocal()) {
                // Nothing earlier to wait for and no sync to share: writing it here costs less
                // than waking the writer (a futex wake-up and two context switches).
                log.submit(records, false, false, release);
                here = log.take();
            } else {
                int queuedBefore = log.queued();
                now = log.submit(records, sync, lingering, release);
                // Wake the writer only for an entry it must write: an action released at once would
                // cost it a futex wake-up and a context switch for nothing.
                if (log.queued() > queuedBefore) work.signal();
            }
        } finally {
            lock.unlock();
        }
        if (here != null) writeAndRelease(here);
        else now.run();
    }

    /** As {@link #submit(List, boolean, boolean, Runnable)}, not lingering. */
    public void submit(List<R> records, boolean sync, Runnable release) throws InterruptedException {
        submit(records, sync, false, release);
    }

    public LogStats stats() {
        lock.lock();
        try {
            return log.stats();
        } finally {
            lock.unlock();
        }
    }

    /** True once a write failed: the node must not decide anything more. */
    public boolean failed() {
        lock.lock();
        try {
            return log.failure() != null;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (writeNextBatch()) {
            // One batch per call: the per-batch work is an ordinary method the JIT compiles whole,
            // not a loop body left to on-stack replacement.
        }
    }

    /** Waits for entries, writes one batch and releases it; false once the writer must stop. */
    private boolean writeNextBatch() {
        GroupCommit.Batch<R> batch;
        lock.lock();
        try {
            while (log.queued() == 0 && !stopping) work.await();
            if (log.queued() == 0) return false; // stopping, and everything queued was written
            if (!stopping) linger();
            batch = log.take();
            room.signalAll();
        } catch (InterruptedException e) {
            return false; // close() gave up waiting
        } finally {
            lock.unlock();
        }
        return writeAndRelease(batch);
    }

    /**
     * Writes a taken batch and releases its actions; false if the write failed (then nothing is
     * released and the writer stops). On the writer thread, or on the submitter's for an unsynced
     * entry submitted while nothing else was queued or in flight, so order holds either way: the
     * core's owner, the only submitter, cannot queue anything behind it meanwhile.
     */
    private boolean writeAndRelease(GroupCommit.Batch<R> batch) {
        boolean synced;
        try {
            Failpoints.hit(FAILPOINT_WRITE);
            synced = batch.write(store);
        } catch (Exception | Error e) {
            lock.lock();
            try {
                log.fail(e);
                room.signalAll();
            } finally {
                lock.unlock();
            }
            listener.writeFailed(e);
            return false;
        }
        lock.lock();
        try {
            batch.count();
        } finally {
            lock.unlock();
        }
        listener.written(batch.size(), synced);
        // Released outside the lock: the loop may submit meanwhile, and its entry waits behind
        // this batch because the batch is still in flight until done().
        batch.release(listener);
        lock.lock();
        try {
            log.done(batch);
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** While only lingering entries wait, waits up to the linger for any other entry (lock held). */
    private void linger() throws InterruptedException {
        if (settings.lingerNs() == 0 || !log.onlyLingering()) return;
        log.noteLingered();
        long leftNs = settings.lingerNs();
        while (leftNs > 0 && log.onlyLingering() && log.queued() < settings.batchEntriesMax() && !stopping) {
            leftNs = work.awaitNanos(leftNs);
        }
    }

    /** Writes and releases what is queued (bounded wait), then stops the writer thread. */
    @Override
    public void close() {
        lock.lock();
        try {
            stopping = true;
            work.signalAll();
            room.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(CLOSE_WAIT_MS);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(CLOSE_WAIT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
