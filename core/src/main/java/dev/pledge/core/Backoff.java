package dev.pledge.core;

import java.util.Random;

/**
 * Exponential backoff with full jitter: the n-th retry (0-based) waits uniformly in
 * [0, min(max, base * 2^n)]. Full jitter spreads retrying clients apart so they do not return in waves.
 */
public final class Backoff {
    /** 2^62 already exceeds any sane cap; stopping the shift here keeps it from overflowing. */
    private static final int SHIFT_MAX = 62;

    private final long baseMs;
    private final long maxMs;

    public Backoff(long baseMs, long maxMs) {
        Check.argument(baseMs >= 0 && maxMs >= baseMs,
                "want 0 <= baseMs <= maxMs, got baseMs=%s maxMs=%s", baseMs, maxMs);
        this.baseMs = baseMs;
        this.maxMs = maxMs;
    }

    /** The ceiling of the jitter range before retry {@code retry} (0 = before the second attempt). */
    public long ceilingMs(int retry) {
        Check.argument(retry >= 0, "retry must be >= 0, was %s", retry);
        int shift = Math.min(retry, SHIFT_MAX);
        if (baseMs == 0) return 0;
        if (baseMs > (maxMs >> shift)) return maxMs;
        return Math.min(maxMs, baseMs << shift);
    }

    public long delayMs(int retry, Random random) {
        long ceiling = ceilingMs(retry);
        // Inclusive upper bound, as full jitter is defined on the closed range.
        return ceiling == 0 ? 0 : nextLongInclusive(random, ceiling);
    }

    private static long nextLongInclusive(Random random, long bound) {
        return bound == Long.MAX_VALUE ? random.nextLong() & Long.MAX_VALUE : random.nextLong(bound + 1);
    }
}
