package dev.pledge.rpc;

import dev.pledge.runtime.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadlines for answers a request waits on, without a thread wake-up per request. The JDK's
 * {@code orTimeout} schedules a task, which wakes its timer thread once when the task is added and
 * again when it is cancelled; on the hot path that was two context switches per call. Here one
 * thread sleeps until the earliest deadline it knows. A new deadline later than that (the usual
 * case: every request waits about as long as the one before) is only queued; the thread drops
 * finished answers whenever it looks, and looks at least every {@value #TIDY_EVERY} deadlines.
 */
public final class Expiry {
    private static final Logger log = LoggerFactory.getLogger(Expiry.class);
    /** Deadlines queued between two looks of the thread at most, so finished ones do not pile up. */
    private static final long TIDY_EVERY = 1 << 16;
    /** Times are nanoseconds since this, so they only grow and Long.MAX_VALUE can mean never. */
    private static final long ORIGIN_NS = System.nanoTime();
    private static final Expiry SHARED = new Expiry("rpc-expiry");

    private record Entry(CompletableFuture<?> answer, long deadlineNs, Runnable expire) {}

    private final Queue<Entry> arriving = new ConcurrentLinkedQueue<>();
    private final AtomicLong queued = new AtomicLong();
    /** When the thread wakes next unless woken; a deadline earlier than this wakes it. */
    private volatile long wakeAtNs = Long.MAX_VALUE;
    private final Thread thread;

    private Expiry(String name) {
        this.thread = Threads.daemon(this::run, name);
        thread.start();
    }

    /**
     * Runs {@code expire} (on the expiry thread; it must be quick) if {@code answer} is not done
     * within {@code timeoutMs}. Nothing is to be cancelled: a finished answer is simply dropped.
     */
    public static void after(long timeoutMs, CompletableFuture<?> answer, Runnable expire) {
        SHARED.add(answer, nowNs() + TimeUnit.MILLISECONDS.toNanos(timeoutMs), expire);
    }

    private void add(CompletableFuture<?> answer, long deadlineNs, Runnable expire) {
        if (answer.isDone()) return;
        arriving.add(new Entry(answer, deadlineNs, expire));
        if (deadlineNs < wakeAtNs || queued.incrementAndGet() % TIDY_EVERY == 0) LockSupport.unpark(thread);
    }

    private void run() {
        List<Entry> waiting = new ArrayList<>();
        while (true) {
            long earliest = tidy(waiting);
            // Publish the wake-up time, then take what arrived meanwhile: whoever adds after this
            // compares with the time published, and whoever added before is in the queue.
            while (true) {
                wakeAtNs = earliest;
                long more = take(waiting);
                if (more >= earliest) break;
                earliest = more;
            }
            if (earliest == Long.MAX_VALUE) LockSupport.park(this);
            else LockSupport.parkNanos(this, earliest - nowNs());
        }
    }

    /** Takes what arrived, drops finished answers, expires those past their deadline; the earliest deadline left. */
    private long tidy(List<Entry> waiting) {
        take(waiting);
        long nowNs = nowNs();
        long earliest = Long.MAX_VALUE;
        int kept = 0;
        for (Entry e : waiting) {
            if (e.answer().isDone()) continue;
            if (e.deadlineNs() <= nowNs) {
                expire(e);
                continue;
            }
            if (e.deadlineNs() < earliest) earliest = e.deadlineNs();
            waiting.set(kept++, e);
        }
        waiting.subList(kept, waiting.size()).clear();
        return earliest;
    }

    /** Moves arrived entries to {@code waiting}; the earliest deadline among them. */
    private long take(List<Entry> waiting) {
        long earliest = Long.MAX_VALUE;
        Entry e;
        while ((e = arriving.poll()) != null) {
            waiting.add(e);
            if (e.deadlineNs() < earliest) earliest = e.deadlineNs();
        }
        return earliest;
    }

    private static long nowNs() {
        return System.nanoTime() - ORIGIN_NS;
    }

    private static void expire(Entry e) {
        try {
            e.expire().run();
        } catch (RuntimeException ex) {
            log.error("an expiry action failed", ex);
        }
    }
}
