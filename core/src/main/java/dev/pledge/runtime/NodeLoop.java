package dev.pledge.runtime;

import dev.pledge.core.Check;
import dev.pledge.core.StepOutputs;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one event loop of every node: one thread at a time owns the node's protocol core, runs
 * tasks (steps of the core, questions about it) in arrival order, and fires the core's timers
 * between them. Both node kinds run on it; only what a step does differs.
 *
 * <p>Two ways in. A request from outside is {@linkplain #offer offered}: at most
 * {@code requestsMax} wait at once, beyond that it is refused and the caller answers
 * Unavailable. An internal event (an answer to the node's own call, a peer's reply) is
 * {@linkplain #post posted}: never dropped, since losing one could stall a delivery; it waits
 * for room, and its number is bounded by the calls in flight.
 *
 * <p>Tasks in place. Handing a task to the loop's thread costs a wake-up of that thread (a futex
 * call and two context switches), the largest cost of a step when the node is lightly loaded. So
 * a thread that {@linkplain #runTasksHere declared it may} runs its task itself when the loop is
 * idle: nothing queued, no task or timer running. The order is the same as through the queue
 * (a task runs in place only when every earlier one has finished), and one thread at a time owns
 * the core, as before. Under load the queue is rarely empty and tasks go through the loop's
 * thread as always. Only threads that hold no lock a step could need, and whose blocking inside
 * a step holds up nothing that step waits for, may declare it: a server's io thread, a
 * coordinator's sender. A log writer's thread must not (a step may wait for room in its queue).
 *
 * <p>One failure policy: a task that throws is a broken invariant, and so is a failed log write
 * reported through {@link #stop}: the loop stops deciding, refuses everything with the reason
 * ({@link #whyRefused}), and the node reports it on /health; the process stays up to say why.
 *
 * @param <T> the core's timer type
 */
public final class NodeLoop<T> implements AutoCloseable {
    /** Fires a due timer (a step of the core), on the loop thread. */
    public interface TimerStep<T> {
        void fire(T timer, long nowMs);
    }

    /** Told once, on the thread that ran it, when a task broke an invariant and the loop stopped. */
    public interface Broken {
        void stopped(Throwable cause);
    }

    /** Longest wait for a task when no timer is due sooner (bounds how late close() is noticed). */
    private static final long IDLE_WAIT_MS = 100;
    private static final long CLOSE_WAIT_MS = 5_000;
    /** Threads that may run a task in place (see the class comment). */
    private static final ThreadLocal<Boolean> IN_PLACE = ThreadLocal.withInitial(() -> false);

    private record Task(Runnable run, boolean request) {}

    private final String name;
    private final Clock clock;
    private final TimerStep<T> timerStep;
    private final Broken broken;
    private final int requestsMax;
    private final int tasksMax;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled for the loop thread: a task came, the core is free again, or the loop closed. */
    private final Condition work = lock.newCondition();
    /** Signalled for posters waiting for room. */
    private final Condition room = lock.newCondition();
    private final ArrayDeque<Task> tasks = new ArrayDeque<>();
    private int requestsQueued;
    /** A thread runs a task or timers: it owns the core and the timers. Under {@link #lock}. */
    private boolean busy;
    /** When the waiting loop thread wakes by itself; Long.MIN_VALUE while it waits for a task in place to end. */
    private long loopWakesAtMs = Long.MAX_VALUE;
    /** Owned by whoever is {@link #busy} (and by whoever schedules before the loop starts). */
    private final LoopTimers<T> timers = new LoopTimers<>();
    private final Thread thread;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile String stoppedBecause;

    /** {@code name}: the node's, for its refusals; the thread is named after it. */
    public NodeLoop(String name, Clock clock, int requestsMax, int internalMax, TimerStep<T> timerStep, Broken broken) {
        Check.argument(requestsMax > 0 && internalMax > 0, "requestsMax and internalMax must be > 0");
        this.name = name;
        this.clock = Check.notNull(clock, "clock");
        this.timerStep = Check.notNull(timerStep, "timerStep");
        this.broken = Check.notNull(broken, "broken");
        this.requestsMax = requestsMax;
        this.tasksMax = requestsMax + internalMax;
        this.thread = new Thread(this::run, name + "-loop");
        this.thread.setDaemon(true);
    }

    /**
     * Lets the calling thread run a loop's task itself whenever that loop is idle. For the threads
     * the class comment names, never a log writer's.
     */
    public static void runTasksHere() {
        IN_PLACE.set(true);
    }

    public void start() {
        started = true;
        thread.start();
    }

    /** Queues (or runs) a request's task; false if too many wait already or the loop stopped (answer Unavailable). */
    public boolean offer(Runnable task) {
        lock.lock();
        try {
            if (closed || requestsQueued >= requestsMax || tasks.size() >= tasksMax) return false;
            if (!takeInPlace()) {
                tasks.add(new Task(task, true));
                requestsQueued++;
                work.signal();
                return true;
            }
        } finally {
            lock.unlock();
        }
        runInPlace(task);
        return true;
    }

    /** Queues (or runs) an internal task, waiting for room; dropped only once the loop has stopped. */
    public void post(Runnable task) {
        lock.lock();
        try {
            while (!closed && tasks.size() >= tasksMax) room.await();
            if (closed) return;
            if (!takeInPlace()) {
                tasks.add(new Task(task, false));
                work.signal();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // only at shutdown, when the event no longer matters
            return;
        } finally {
            lock.unlock();
        }
        runInPlace(task);
    }

    /** Under the lock: true if the calling thread may run its task now, and then it owns the core. */
    private boolean takeInPlace() {
        if (busy || !started || !tasks.isEmpty() || !IN_PLACE.get()) return false;
        busy = true;
        return true;
    }

    /** Runs a task taken in place, then frees the core. */
    private void runInPlace(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            if (!closed) broke(e);
        } finally {
            freeCore();
        }
    }

    /** A task or timer threw: a broken invariant, so nothing more is decided. */
    private void broke(Throwable e) {
        stop("broken invariant: " + e);
        broken.stopped(e);
    }

    /**
     * The core's owner is done with it. Wakes the loop thread if it has work now: a task came
     * meanwhile, or a timer was set earlier than it would wake (no-op when the owner is that thread).
     */
    private void freeCore() {
        lock.lock();
        try {
            busy = false;
            if (closed) {
                work.signalAll(); // close() may be waiting for the core
            } else if (!tasks.isEmpty() || loopWakesAtMs == Long.MIN_VALUE || timers.nextAtMs() < loopWakesAtMs) {
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sets {@code timer} to fire at {@code atMs} on the clock. By the core's owner only (or before {@link #start}). */
    public void schedule(T timer, long atMs) {
        timers.add(timer, atMs);
    }

    /** Sets every timer a step asked for. By the core's owner only. */
    public void schedule(StepOutputs<?, ?, ?, T> out) {
        for (StepOutputs.TimerRequest<T> t : out.timers()) timers.add(t.timer(), t.fireAtMs());
    }

    public long nowMs() {
        return clock.nowMs();
    }

    /** Stops deciding: queued tasks are dropped, new ones refused. Any thread; the first reason stays. */
    public void stop(String why) {
        if (stoppedBecause == null) stoppedBecause = why;
        closed = true;
        lock.lock();
        try {
            tasks.clear();
            requestsQueued = 0;
            room.signalAll();
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Why the loop decides nothing more (a broken invariant, a failed log write), or null. */
    public String stoppedBecause() {
        return stoppedBecause;
    }

    /** False once the loop stopped or closed. */
    public boolean running() {
        return !closed && thread.isAlive();
    }

    /** Why an offer was just refused, for the caller's Unavailable answer. */
    public String whyRefused() {
        String why = stoppedBecause;
        if (why != null) return name + " decides nothing more (" + why + "); an operator must restart it";
        return closed ? name + " is stopping" : name + " is overloaded (too many requests waiting)";
    }

    public int queued() {
        lock.lock();
        try {
            return tasks.size();
        } finally {
            lock.unlock();
        }
    }

    /** Nothing queued and nothing running: a task offered now from a thread that may would run in place. */
    boolean idle() {
        lock.lock();
        try {
            return !busy && tasks.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (!closed && turn()) {
            // One turn per call, so the JIT compiles a turn as an ordinary method.
        }
    }

    /** Fires due timers, or runs the next task, or waits for one; false once the loop must end. */
    private boolean turn() {
        List<T> due;
        Task task = null;
        long nowMs;
        lock.lock();
        try {
            if (closed) return false;
            if (busy) { // a task runs in place; it signals when done
                loopWakesAtMs = Long.MIN_VALUE;
                work.await();
                return true;
            }
            nowMs = clock.nowMs();
            due = timers.due(nowMs);
            if (due.isEmpty()) {
                task = tasks.poll();
                if (task == null) {
                    loopWakesAtMs = nowMs + timers.waitMs(nowMs, IDLE_WAIT_MS);
                    work.await(loopWakesAtMs - nowMs, TimeUnit.MILLISECONDS);
                    return true;
                }
                if (task.request()) requestsQueued--;
                room.signal();
            }
            busy = true;
        } catch (InterruptedException e) {
            return false;
        } finally {
            loopWakesAtMs = Long.MAX_VALUE;
            lock.unlock();
        }
        try {
            if (task == null) {
                for (T timer : due) timerStep.fire(timer, nowMs);
            } else {
                task.run().run();
            }
            return true;
        } catch (RuntimeException | Error e) {
            if (!closed) broke(e); // else closing interrupted the task; nothing is broken
            return false;
        } finally {
            freeCore();
        }
    }

    /**
     * Stops the thread (queued tasks are not run) and waits for a task running in place to end, so
     * that what the node closes next (its log, its store) is no longer in use by a step.
     */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            long leftNs = TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
            while (busy && leftNs > 0) leftNs = work.awaitNanos(leftNs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the loop's own thread still runs (tests). */
    boolean threadAlive() {
        return thread.isAlive();
    }
}
