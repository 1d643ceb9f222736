package dev.pledge.client;

import dev.pledge.core.Check;
import dev.pledge.runtime.Clock;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs commits without a thread per commit: each in-flight commit is a small state object whose
 * rounds run on a few SDK-owned workers (a round is one blocking call, or a place in a buffered
 * batch that one worker sends for many commits) and whose pauses between rounds are tasks on one
 * timer thread. Threads are daemons named {@value #THREAD_PREFIX}&lt;client&gt;-worker-&lt;n&gt; (and -timer-1), started on first use, gone
 * when idle, and stopped with the client. At most {@code commitsMax} commits are in flight; past
 * that, a new one fails at once without being sent.
 */
final class AsyncCommits implements AutoCloseable {
    static final String THREAD_PREFIX = "pledge-sdk-";
    private static final long IDLE_THREAD_KEEP_MS = 30_000;
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    /** Prefix of this client's async threads: {@value #THREAD_PREFIX}, the client's number in this JVM, a dash. */
    final String threadPrefix = THREAD_PREFIX + CLIENTS.incrementAndGet() + "-";

    private final Clock time;
    private final int commitsMax;
    private final Semaphore permits;
    private final Set<Flight> inFlight = ConcurrentHashMap.newKeySet();
    /** Queue bounded by what feeds it: one task per in-flight commit plus one per commitWrites slot. */
    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor timer;

    AsyncCommits(Clock time, int threads, int commitsMax) {
        Check.argument(threads >= 1, "async threads must be >= 1, was %s", threads);
        Check.argument(commitsMax >= 1, "async commits in flight must be >= 1, was %s", commitsMax);
        this.time = time;
        this.commitsMax = commitsMax;
        this.permits = new Semaphore(commitsMax);
        this.workers = new ThreadPoolExecutor(threads, threads, IDLE_THREAD_KEEP_MS, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), daemons(threadPrefix + "worker"));
        this.workers.allowCoreThreadTimeOut(true);
        this.timer = new ScheduledThreadPoolExecutor(1, daemons(threadPrefix + "timer"));
        this.timer.setKeepAliveTime(IDLE_THREAD_KEEP_MS, TimeUnit.MILLISECONDS);
        this.timer.allowCoreThreadTimeOut(true);
        this.timer.setRemoveOnCancelPolicy(true);
    }

    /** Where rounds and buffered batches run. */
    Executor workers() {
        return workers;
    }

    /**
     * Starts the commit {@code start} makes (it may throw, e.g. commit already called), unless
     * {@code commitsMax} are in flight: then the future fails at once with {@link
     * RejectedExecutionException} and {@code start} is not called, so nothing was sent.
     */
    CompletableFuture<CommitResult> start(Supplier<CommitRounds.Commit> start) {
        if (!permits.tryAcquire()) {
            return CompletableFuture.failedFuture(new RejectedExecutionException("more than " + commitsMax
                    + " async commits in flight (PledgeClient.Builder.asyncCommitsMax); nothing was sent"));
        }
        CommitRounds.Commit commit;
        try {
            commit = start.get();
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
        Flight f = new Flight(commit);
        inFlight.add(f);
        // A caller that completes or cancels the future itself stops the commit and frees its place.
        f.future.whenComplete((r, e) -> f.end());
        next(f, 0);
        return f.future;
    }

    /** Round {@code round} of {@code f}, or its end: the same steps as {@link CommitRounds#run}. */
    private void next(Flight f, int round) {
        try {
            if (f.future.isDone()) return;
            long remainingMs = f.commit.rounds().remainingMs();
            if (round >= CommitRounds.ROUNDS_MAX || remainingMs <= 0) {
                f.fail(f.commit.giveUp());
                return;
            }
            f.commit.roundAsync(remainingMs, workers).whenComplete((result, e) -> {
                if (e != null) f.fail(e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e);
                else if (result != null) f.complete(result);
                else pause(f, round);
            });
        } catch (RejectedExecutionException e) {
            f.fail(f.commit.stopped("the client was closed before the outcome was learned", e));
        } catch (RuntimeException e) {
            f.fail(e);
        }
    }

    private void pause(Flight f, int round) {
        long pauseMs = f.commit.rounds().pauseMs(round);
        if (pauseMs < 0) {
            f.fail(f.commit.giveUp());
            return;
        }
        Runnable nextRound = () -> next(f, round + 1);
        try {
            if (time == Clock.system()) {
                timer.schedule(nextRound, pauseMs, TimeUnit.MILLISECONDS);
            } else {
                // An injected clock (tests, simulation) moves when slept on: backoff follows it, as in the blocking path.
                timer.execute(() -> {
                    try {
                        time.sleepMs(pauseMs);
                    } catch (InterruptedException e) {
                        f.fail(f.commit.stopped("interrupted while waiting for the decision", e));
                        return;
                    }
                    nextRound.run();
                });
            }
        } catch (RejectedExecutionException e) {
            f.fail(f.commit.stopped("the client was closed before the outcome was learned", e));
        }
    }

    /** Async commits in flight now. */
    int inFlight() {
        return inFlight.size();
    }

    /** Stops the threads; every commit still in flight completes in doubt (it may have been sent). */
    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdownNow();
        for (Flight f : inFlight) f.fail(f.commit.stopped("the client was closed before the outcome was learned", null));
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** One async commit in flight: its rounds and the future its caller holds. */
    private final class Flight {
        final CommitRounds.Commit commit;
        final CompletableFuture<CommitResult> future = new CompletableFuture<>();

        Flight(CommitRounds.Commit commit) {
            this.commit = commit;
        }

        void complete(CommitResult r) {
            end(); // before completing: a callback that starts the next commit finds the place free
            future.complete(r);
        }

        void fail(Throwable e) {
            end();
            future.completeExceptionally(e);
        }

        /** Frees its place, once. */
        void end() {
            if (inFlight.remove(this)) permits.release();
        }
    }
}
