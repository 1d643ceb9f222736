package dev.pledge.client;

import dev.pledge.core.Backoff;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.thrift.TException;

/**
 * The rounds of a commit that keeps asking until it learns the outcome or its give-up time
 * passes: how much time is left, and the pause between rounds (the client's capped full-jitter
 * backoff, on the client's clock, never past the give-up time). {@link #run} drives a {@link
 * Commit} on the caller's thread; {@link AsyncCommits} drives the same rounds with scheduled pauses.
 */
final class CommitRounds {
    /** A bound on the loop even with a zero backoff. */
    static final int ROUNDS_MAX = 100_000;
    private static final int BACKOFF_RETRY_CAP = 30;

    private final PledgeClient client;
    private final long giveUpAtMs;
    private final Backoff backoff;

    CommitRounds(PledgeClient client, long giveUpAtMs) {
        this.client = client;
        this.giveUpAtMs = giveUpAtMs;
        this.backoff = new Backoff(client.rpcConfig().backoffBaseMs(), client.rpcConfig().backoffMaxMs());
    }

    /** One commit as rounds: what the blocking and the async drivers both run, so they cannot drift. */
    interface Commit {
        CommitRounds rounds();

        /** One round on the calling thread: the outcome, or null to go on after a pause. */
        CommitResult round(long remainingMs) throws InDoubtException, TException, InterruptedException;

        /**
         * One round without blocking the calling thread: completes with the outcome or null (go on),
         * or exceptionally with what ends the commit. By default {@link #round} on a worker.
         */
        default CompletableFuture<CommitResult> roundAsync(long remainingMs, Executor workers) {
            CompletableFuture<CommitResult> f = new CompletableFuture<>();
            workers.execute(() -> {
                try {
                    f.complete(round(remainingMs));
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            });
            return f;
        }

        /** No round decided before the give-up time. */
        InDoubtException giveUp();

        /** The commit was stopped (interrupted, client closed) before it learned the outcome. */
        InDoubtException stopped(String why, Throwable cause);
    }

    /** Runs {@code commit}'s rounds on this thread, pausing between them, until one decides or the time is up. */
    static CommitResult run(Commit commit) throws InDoubtException, TException {
        CommitRounds rounds = commit.rounds();
        try {
            for (int round = 0; round < ROUNDS_MAX; round++) {
                long remainingMs = rounds.remainingMs();
                if (remainingMs <= 0) break;
                CommitResult r = commit.round(remainingMs);
                if (r != null) return r;
                if (!rounds.pause(round)) break;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw commit.stopped("interrupted while waiting for the decision", e);
        }
        throw commit.giveUp();
    }

    /** Milliseconds until the give-up time (zero or less: give up). */
    long remainingMs() {
        return giveUpAtMs - client.time().nowMs();
    }

    /** The pause after round {@code round}; negative if it would pass the give-up time. */
    long pauseMs(int round) {
        long pauseMs = backoff.delayMs(Math.min(round, BACKOFF_RETRY_CAP), client.random());
        return client.time().nowMs() + pauseMs >= giveUpAtMs ? -1 : pauseMs;
    }

    /** Pauses after round {@code round}; false, without pausing, if the pause would pass the give-up time. */
    boolean pause(int round) throws InterruptedException {
        long pauseMs = pauseMs(round);
        if (pauseMs < 0) return false;
        client.time().sleepMs(pauseMs);
        return true;
    }
}
