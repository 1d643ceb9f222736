package dev.pledge.participant.protocol;

import java.util.Random;

/** Exponential backoff with full jitter, from the core's own seeded Random so simulations are exact. */
final class Backoff {
    private static final int MAX_SHIFT = 30;

    private final long baseMs;
    private final long maxMs;
    private final Random random;

    Backoff(long baseMs, long maxMs, Random random) {
        this.baseMs = baseMs;
        this.maxMs = maxMs;
        this.random = random;
    }

    /** A delay uniform in [1, min(max, base * 2^attempt)]. */
    long delayMs(int attempt) {
        long cap = Math.min(maxMs, baseMs << Math.min(Math.max(attempt, 0), MAX_SHIFT));
        if (cap <= 0) cap = maxMs;
        return 1 + random.nextLong(cap);
    }
}
