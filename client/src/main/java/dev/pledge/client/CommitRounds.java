package dev.pledge.client;

import dev.pledge.core.Backoff;

/**
 * The rounds of a commit that keeps asking until it learns the outcome or its give-up time
 * passes: how much time is left, and the pause between rounds (the client's capped full-jitter
 * backoff, on the client's clock, never past the give-up time).
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

    /** Milliseconds until the give-up time (zero or less: give up). */
    long remainingMs() {
        return giveUpAtMs - client.time().nowMs();
    }

    /** Pauses after round {@code round}; false, without pausing, if the pause would pass the give-up time. */
    boolean pause(int round) throws InterruptedException {
        long pauseMs = backoff.delayMs(Math.min(round, BACKOFF_RETRY_CAP), client.random());
        if (client.time().nowMs() + pauseMs >= giveUpAtMs) return false;
        client.time().sleepMs(pauseMs);
        return true;
    }
}
