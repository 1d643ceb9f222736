package dev.pledge.coordinator.runtime;

import dev.pledge.coordinator.protocol.CoordinatorCore;
import dev.pledge.coordinator.protocol.Event;
import dev.pledge.coordinator.protocol.Message;
import dev.pledge.coordinator.protocol.Outputs;
import dev.pledge.coordinator.protocol.Reply;
import dev.pledge.coordinator.protocol.Timer;
import dev.pledge.coordinator.protocol.Record;
import dev.pledge.coordinator.rpc.RequestPoster;
import dev.pledge.rpc.TransitionLog;
import dev.pledge.runtime.Clock;
import dev.pledge.runtime.GroupCommitWriter;
import dev.pledge.runtime.NodeLoop;
import dev.pledge.core.TxId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's core on the shared {@link NodeLoop}: client requests are offered (bounded,
 * refused beyond), answers to its own calls are posted (never dropped), timers fire between
 * events, and each Outputs goes to the group-commit writer, which releases its messages and
 * replies only after its records (and all earlier ones) are durable.
 */
final class CoordinatorRuntime implements RequestPoster, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorRuntime.class);
    /** One line per transition, node id first; its own logger so operators can route or silence it. */
    private static final Logger transitions = LoggerFactory.getLogger("dev.pledge.coordinator.transitions");

    private final CoordinatorCore core;
    private final GroupCommitWriter<Record> writer;
    private final MessageSender sender;
    private final Clock time;
    private final Map<Long, CompletableFuture<Reply.Value>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();
    private final NodeLoop<Timer> loop;
    private final CoordinatorExecution execution = new CoordinatorExecution(this::submit);
    private volatile int transactionsInMemory;
    /** A copy of the core's damaged transactions, taken by the loop whenever they change. */
    private volatile Map<TxId, List<String>> damaged = Map.of();
    private long damageChangesSeen;
    private volatile CoordinatorMetrics metrics;
    final AtomicLong eventsStepped = new AtomicLong();
    final AtomicLong requestsRefused = new AtomicLong();

    /** {@code requestsMax}: client requests waiting at once before more are refused. */
    CoordinatorRuntime(CoordinatorCore core, int requestsMax, GroupCommitWriter<Record> writer, MessageSender sender,
                       Clock time) {
        this.core = core;
        this.writer = writer;
        this.sender = sender;
        this.time = time;
        this.loop = new NodeLoop<>(core.nodeId(), time, requestsMax, INTERNAL_EVENTS_MAX,
                (timer, nowMs) -> step(new Event.TimerFired(nowMs, timer)),
                cause -> log.error("{} event loop stopped on a broken invariant: {}", core.nodeId(), cause.toString(), cause));
    }

    /** Executes the recovery Outputs, waits until its EPOCH is durable, then starts the loop. */
    void start(Outputs startup) throws InterruptedException {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        noteDamage();
        execute(startup);
        submit(List.of(), false, () -> durable.complete(null)); // waits behind the start-up records
        try {
            durable.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("start-up records did not become durable", e);
        }
        loop.start();
    }

    /** Internal events in flight (answers to calls, timers) are bounded by the calls in flight; a hard cap anyway. */
    private static final int INTERNAL_EVENTS_MAX = 1_000_000;

    /** Posts a client request; the future completes with the core's reply (or Unavailable). */
    @Override
    public CompletableFuture<Reply.Value> request(LongFunction<Event> event) {
        long token = tokens.incrementAndGet();
        CompletableFuture<Reply.Value> reply = new CompletableFuture<>();
        waiting.put(token, reply);
        Event e = event.apply(token);
        if (!loop.offer(() -> step(e))) {
            waiting.remove(token);
            requestsRefused.incrementAndGet();
            reply.complete(new Reply.ErrorReply(Reply.ErrorKind.UNAVAILABLE, loop.whyRefused(), null));
        }
        return reply;
    }

    @Override
    public long nowMs() {
        return time.nowMs();
    }

    /** The caller stopped waiting; a late reply is dropped. */
    @Override
    public void abandon(CompletableFuture<Reply.Value> reply) {
        waiting.values().remove(reply);
    }

    /** Meters to feed from now on (before {@link #start}, so no decision is missed). */
    void meter(CoordinatorMetrics m) {
        this.metrics = m;
    }

    /** An answer to one of the coordinator's own calls: never dropped while the loop runs. */
    void postInternal(Event e) {
        loop.post(() -> step(e));
    }

    /** False once the loop stopped on a broken invariant or a failed log write (or closed): no more decisions. */
    boolean running() {
        return loop.running();
    }

    /** Why no more decisions are made, or null while the loop decides. */
    String stoppedBecause() {
        String why = loop.stoppedBecause();
        if (why != null) return why;
        return running() ? null : "event loop stopped";
    }

    /** The log writer failed: durability is unknown from here on, so decide nothing more. */
    void stopDeciding(Throwable cause) {
        loop.stop("the log write failed: " + cause);
    }

    int transactionsInMemory() {
        return transactionsInMemory;
    }

    /** Committed transactions a participant lost writes of (see {@link CoordinatorCore#damaged}). */
    Map<TxId, List<String>> damaged() {
        return damaged;
    }

    private void step(Event e) {
        CoordinatorMetrics m = metrics;
        if (m != null) m.stepping(e);
        Outputs outputs = core.step(e);
        eventsStepped.incrementAndGet();
        transactionsInMemory = core.transactionCount();
        noteDamage();
        execute(outputs);
    }

    private void noteDamage() {
        if (core.damageChanges() == damageChangesSeen) return;
        damageChangesSeen = core.damageChanges();
        damaged = Collections.unmodifiableMap(new LinkedHashMap<>(core.damaged()));
    }

    private void execute(Outputs outputs) {
        TransitionLog.write(transitions, outputs.logLines());
        loop.schedule(outputs);
        execution.execute(outputs, new CoordinatorExecution.Effects() {
            @Override
            public void released(Outputs o) {
                CoordinatorMetrics meters = metrics;
                if (meters != null) meters.released(o, time.nowMs());
            }

            @Override
            public void send(Message m) {
                sender.send(m);
            }

            @Override
            public void reply(Reply r) {
                CompletableFuture<Reply.Value> f = waiting.remove(r.replyToken());
                if (f != null) f.complete(r.value());
            }
        });
    }

    private void submit(List<Record> records, boolean sync, Runnable release) {
        try {
            writer.submit(records, sync, release);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing a decision-log write", e);
        }
    }

    @Override
    public void close() {
        loop.close();
        waiting.values().forEach(f -> f.complete(
                new Reply.ErrorReply(Reply.ErrorKind.UNAVAILABLE, "coordinator stopping", null)));
        waiting.clear();
    }
}
