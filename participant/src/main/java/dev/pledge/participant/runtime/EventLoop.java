package dev.pledge.participant.runtime;

import dev.pledge.core.LogLine;
import dev.pledge.participant.protocol.CoreView;
import dev.pledge.participant.protocol.Event;
import dev.pledge.participant.protocol.Outputs;
import dev.pledge.participant.protocol.ParticipantCore;
import dev.pledge.participant.protocol.Record;
import dev.pledge.participant.protocol.Timer;
import dev.pledge.runtime.Clock;
import dev.pledge.runtime.GroupCommitWriter;
import dev.pledge.runtime.NodeLoop;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The participant's core on the shared {@link NodeLoop}: each task steps the core (or asks it a
 * question), timers fire between tasks, and each Outputs is executed by {@link OutputsExecution}
 * under its ordering rule: replies and messages leave only once its records, and every earlier
 * one, are durable.
 */
final class EventLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);

    /** Builds the event on the loop thread, so it may read the core's view consistently. */
    interface EventMaker {
        Event make(long nowMs, CoreView view);
    }

    /** Where released effects go (on the writer thread, in order; must not block long) and log lines. */
    interface Effects extends OutputsExecution.Effects {
        void log(List<LogLine> lines);
    }

    private final ParticipantCore core;
    private final CoreView view;
    private final GroupCommitWriter<Record> writer;
    private final Effects effects;
    private final OutputsExecution execution;
    private final NodeLoop<Timer> loop;

    EventLoop(String name, ParticipantCore core, GroupCommitWriter<Record> writer, Effects effects, Clock clock,
              int queueMax) {
        this.core = core;
        this.view = core.view();
        this.writer = writer;
        this.effects = effects;
        this.execution = new OutputsExecution(this::submit, java.util.Set.of());
        this.loop = new NodeLoop<>(name, clock, queueMax, queueMax, (timer, now) -> step(new Event.TimerFired(now, timer)),
                cause -> log.error("participant event loop stopped on a broken invariant; no more decisions", cause));
    }

    void start() {
        loop.start();
    }

    /** Queues a request's event; false if the loop is full or stopped (the caller answers Unavailable). */
    boolean post(EventMaker maker) {
        return loop.offer(() -> step(maker));
    }

    /** Queues an internal event (an answer to this node's own call); never dropped while the loop runs. */
    void postInternal(EventMaker maker) {
        loop.post(() -> step(maker));
    }

    /** Runs a read-only question on the loop thread. */
    <T> CompletableFuture<T> query(Function<CoreView, T> question) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        if (!loop.offer(() -> answer.complete(question.apply(view)))) {
            answer.completeExceptionally(new RejectedExecutionException(loop.whyRefused()));
        }
        return answer;
    }

    /** Completes once every Outputs produced so far is durable and released. */
    CompletableFuture<Void> flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!loop.offer(() -> submit(List.of(), false, false, () -> done.complete(null)))) {
            done.completeExceptionally(new RejectedExecutionException(loop.whyRefused()));
        }
        return done;
    }

    /** Stops deciding: events and queries already queued are dropped, new ones refused. Any thread. */
    void stop(String why) {
        loop.stop(why);
    }

    /** Why the loop decides nothing more (a failed log write, a broken invariant), or null. */
    String stoppedBecause() {
        return loop.stoppedBecause();
    }

    /** Why a post or query was just refused, for the caller's Unavailable answer. */
    String whyRefused() {
        return loop.whyRefused();
    }

    private void step(EventMaker maker) {
        Event e = maker.make(loop.nowMs(), view);
        if (e != null) step(e);
    }

    private void step(Event e) {
        Outputs out = core.step(e);
        loop.schedule(out);
        effects.log(out.logLines());
        execution.execute(e, out, effects);
    }

    /**
     * The committed value of {@code key} as the core knows it: a commit applied by an earlier step
     * counts even if the writer has not stored it yet. Null if absent or deleted. Any thread.
     */
    byte[] committed(byte[] key, Function<byte[], byte[]> store) {
        return execution.committed(key, store);
    }

    private void submit(List<Record> records, boolean sync, boolean lingering, Runnable after) {
        try {
            writer.submit(records, sync, lingering, after);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing a log write", e);
        }
    }

    @Override
    public void close() {
        loop.close();
    }
}
