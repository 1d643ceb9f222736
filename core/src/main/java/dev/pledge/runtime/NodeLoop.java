package dev.pledge.runtime;

import dev.pledge.core.Check;
import dev.pledge.core.StepOutputs;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The one event loop of every node: a single thread that owns the node's protocol core, runs
 * tasks (steps of the core, questions about it) in arrival order, and fires the core's timers
 * between them. Both node kinds run on it; only what a step does differs.
 *
 * <p>Two ways in. A request from outside is {@linkplain #offer offered}: at most
 * {@code requestsMax} wait at once, beyond that it is refused and the caller answers
 * Unavailable. An internal event (an answer to the node's own call, a peer's reply) is
 * {@linkplain #post posted}: never dropped, since losing one could stall a delivery; it waits
 * for room, and its number is bounded by the calls in flight.
 *
 * <p>One failure policy: a task that throws is a broken invariant, and so is a failed log write
 * reported through {@link #stop}: the loop stops deciding, refuses everything with the reason
 * ({@link #whyRefused}), and the node reports it on /health; the process stays up to say why.
 *
 * @param <T> the core's timer type
 */
public final class NodeLoop<T> implements AutoCloseable {
    /** Fires a due timer on the loop thread (a step of the core). */
    public interface TimerStep<T> {
        void fire(T timer, long nowMs);
    }

    /** Told once, on the loop thread, when a task broke an invariant and the loop stopped. */
    public interface Broken {
        void stopped(Throwable cause);
    }

    /** Longest wait for a task when no timer is due sooner (bounds how late close() is noticed). */
    private static final long IDLE_WAIT_MS = 100;
    private static final long CLOSE_WAIT_MS = 5_000;

    private record Task(Runnable run, boolean request) {}

    private final String name;
    private final Clock clock;
    private final TimerStep<T> timerStep;
    private final Broken broken;
    private final BlockingQueue<Task> tasks;
    private final Semaphore requestPermits;
    /** Owned by the loop thread (and by whoever schedules before it starts). */
    private final LoopTimers<T> timers = new LoopTimers<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile String stoppedBecause;

    /** {@code name}: the node's, for its refusals; the thread is named after it. */
    public NodeLoop(String name, Clock clock, int requestsMax, int internalMax, TimerStep<T> timerStep, Broken broken) {
        Check.argument(requestsMax > 0 && internalMax > 0, "requestsMax and internalMax must be > 0");
        this.name = name;
        this.clock = Check.notNull(clock, "clock");
        this.timerStep = Check.notNull(timerStep, "timerStep");
        this.broken = Check.notNull(broken, "broken");
        this.tasks = new LinkedBlockingQueue<>(requestsMax + internalMax);
        this.requestPermits = new Semaphore(requestsMax);
        this.thread = new Thread(this::run, name + "-loop");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Queues a request's task; false if too many wait already or the loop stopped (answer Unavailable). */
    public boolean offer(Runnable task) {
        if (closed || !requestPermits.tryAcquire()) return false;
        if (tasks.offer(new Task(task, true))) return true;
        requestPermits.release();
        return false;
    }

    /** Queues an internal task, waiting for room; dropped only once the loop has stopped. */
    public void post(Runnable task) {
        if (closed) return;
        try {
            tasks.put(new Task(task, false));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // only at shutdown, when the event no longer matters
        }
    }

    /** Sets {@code timer} to fire at {@code atMs} on the clock. Loop thread only (or before {@link #start}). */
    public void schedule(T timer, long atMs) {
        timers.add(timer, atMs);
    }

    /** Sets every timer a step asked for. Loop thread only. */
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
        tasks.clear();
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
        return tasks.size();
    }

    private void run() {
        while (!closed && turn()) {
            // One turn per call, so the JIT compiles a turn as an ordinary method.
        }
    }

    /** Fires due timers, then runs the next task if one comes before the next timer; false once the loop must end. */
    private boolean turn() {
        try {
            long nowMs = clock.nowMs();
            for (T due : timers.due(nowMs)) timerStep.fire(due, nowMs);
            Task task = tasks.poll(timers.waitMs(nowMs, IDLE_WAIT_MS), TimeUnit.MILLISECONDS);
            if (task == null) return true;
            if (task.request()) requestPermits.release();
            task.run().run();
            return true;
        } catch (InterruptedException e) {
            return false;
        } catch (RuntimeException | Error e) {
            if (closed) return false; // closing interrupted the task; nothing is broken
            stop("broken invariant: " + e);
            broken.stopped(e);
            return false;
        }
    }

    /** Stops the thread (queued tasks are not run). */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
