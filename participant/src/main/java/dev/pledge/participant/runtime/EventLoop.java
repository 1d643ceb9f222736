package dev.pledge.participant.runtime;

import dev.pledge.runtime.Clock;
import dev.pledge.participant.protocol.CoreView;
import dev.pledge.participant.protocol.Event;
import dev.pledge.participant.protocol.Outputs;
import dev.pledge.participant.protocol.ParticipantCore;
import dev.pledge.participant.protocol.Timer;
import dev.pledge.runtime.GroupCommitWriter;
import dev.pledge.runtime.LoopTimers;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the {@link ParticipantCore}. It steps events in arrival order and
 * executes each Outputs under its ordering rule: timers at once (kept by this thread, fired
 * between events); records, then (after the group-commit writer made them durable) messages and
 * replies, all through the writer's queue so that no effect overtakes an earlier record.
 */
final class EventLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
    /** Longest wait for a task when no timer is due sooner (bounds how late close() is noticed). */
    private static final long IDLE_WAIT_MS = 100;

    /** Builds the event on the loop thread, so it may read the core's view consistently. */
    interface EventMaker {
        Event make(long nowMs, CoreView view);
    }

    /** Where released effects go (on the writer thread, in order; must not block long) and log lines. */
    interface Effects extends OutputsExecution.Effects {
        void log(Outputs.LogLine line);
    }

    private final ParticipantCore core;
    private final CoreView view;
    private final GroupCommitWriter<dev.pledge.participant.protocol.Record> writer;
    private final LoopTimers<Timer> timers = new LoopTimers<>();
    private final OutputsExecution execution;
    private final Effects effects;
    private final Clock clock;
    private final Consumer<Throwable> onFatal;
    private final BlockingQueue<Runnable> tasks;
    private final Thread thread;
    private volatile boolean closed;
    /** Why the loop stopped deciding (a failed log write, a broken invariant), or null. */
    private volatile String stoppedBecause;

    EventLoop(String name, ParticipantCore core, GroupCommitWriter<dev.pledge.participant.protocol.Record> writer, Effects effects, Clock clock,
              int queueMax, Consumer<Throwable> onFatal) {
        this.core = core;
        this.view = core.view();
        this.writer = writer;
        this.effects = effects;
        this.clock = clock;
        this.onFatal = onFatal;
        this.tasks = new ArrayBlockingQueue<>(queueMax);
        this.execution = new OutputsExecution(this::submit, java.util.Set.of());
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues an event; false if the loop is full or closed (the caller answers Unavailable). */
    boolean post(EventMaker maker) {
        if (closed) return false;
        return tasks.offer(() -> step(maker));
    }

    /** Runs a read-only question on the loop thread. */
    <T> CompletableFuture<T> query(Function<CoreView, T> question) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        if (closed || !tasks.offer(() -> answer.complete(question.apply(view)))) {
            answer.completeExceptionally(new RejectedExecutionException("participant event loop is full or stopped"));
        }
        return answer;
    }

    /** Completes once every Outputs produced so far is durable and released. */
    CompletableFuture<Void> flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean queued = !closed && tasks.offer(() -> submit(List.of(), false, false, () -> done.complete(null)));
        if (!queued) done.completeExceptionally(new RejectedExecutionException("participant event loop is full or stopped"));
        return done;
    }

    private void run() {
        while (!closed) {
            Runnable task;
            try {
                long nowMs = clock.nowMs();
                for (Timer due : timers.due(nowMs)) fire(due);
                task = tasks.poll(timers.waitMs(nowMs, IDLE_WAIT_MS), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                fail(e);
                return;
            }
            if (task == null) continue;
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                fail(e);
                return;
            }
        }
    }

    /** The core's state may be broken (a failed Check.state is a bug): stop deciding rather than guess. */
    private void fail(Throwable e) {
        stop("broken invariant: " + e);
        log.error("participant event loop stopped on a broken invariant; no more decisions", e);
        onFatal.accept(e);
    }

    /** Stops deciding: events and queries already queued are dropped, new ones refused. Any thread. */
    void stop(String why) {
        if (stoppedBecause == null) stoppedBecause = why;
        closed = true;
        tasks.clear();
    }

    /** Why a post or query was just refused, for the caller's Unavailable answer. */
    String whyRefused() {
        String why = stoppedBecause;
        if (why != null) return "participant decides nothing more (" + why + "); an operator must restart it";
        return closed ? "participant is stopping" : "participant is overloaded (event queue full)";
    }

    private void step(EventMaker maker) {
        Event e = maker.make(clock.nowMs(), view);
        if (e == null) return;
        Outputs out = core.step(e);
        long nowMs = e.nowMs();
        for (Timer.Request t : out.timers()) timers.add(t.timer(), nowMs + t.delayMs());
        for (Outputs.LogLine line : out.logLines()) effects.log(line);
        execution.execute(e, out, effects);
    }

    /**
     * The committed value of {@code key} as the core knows it: a commit applied by an earlier step
     * counts even if the writer has not stored it yet. Null if absent or deleted. Any thread.
     */
    byte[] committed(byte[] key, Function<byte[], byte[]> store) {
        return execution.committed(key, store);
    }

    private void submit(List<dev.pledge.participant.protocol.Record> records, boolean sync, boolean lingering,
                        Runnable after) {
        try {
            writer.submit(records, sync, lingering, after);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing a log write", e);
        }
    }

    private void fire(Timer timer) {
        step((now, v) -> new Event.TimerFired(now, timer));
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
