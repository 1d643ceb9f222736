package dev.pledge.rpc;

/**
 * Retries allowed per sliding window: {@code floor + ratio * calls}. Without it, every client
 * retrying {@code maxAttempts} times multiplies the load on a struggling server by that factor.
 * The window is kept as a fixed ring of buckets, so memory is bounded whatever the call rate.
 */
final class RetryBudget {
    private static final int BUCKETS = 10;

    private final double ratio;
    private final int floor;
    private final long bucketMs;
    private final long[] bucketStartMs = new long[BUCKETS];
    private final long[] calls = new long[BUCKETS];
    private final long[] retries = new long[BUCKETS];

    RetryBudget(double ratio, int floor, long windowMs) {
        this.ratio = ratio;
        this.floor = floor;
        this.bucketMs = Math.max(1, windowMs / BUCKETS);
        java.util.Arrays.fill(bucketStartMs, Long.MIN_VALUE);
    }

    synchronized void recordCall(long nowMs) {
        calls[bucket(nowMs)]++;
    }

    /** Takes one retry from the budget if there is one left in the window. */
    synchronized boolean tryAcquireRetry(long nowMs) {
        int current = bucket(nowMs);
        long callsInWindow = 0;
        long retriesInWindow = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (isLive(i, nowMs)) {
                callsInWindow += calls[i];
                retriesInWindow += retries[i];
            }
        }
        if (retriesInWindow >= floor + (long) Math.floor(ratio * callsInWindow)) return false;
        retries[current]++;
        return true;
    }

    private boolean isLive(int i, long nowMs) {
        return bucketStartMs[i] != Long.MIN_VALUE && nowMs - bucketStartMs[i] < bucketMs * BUCKETS;
    }

    private int bucket(long nowMs) {
        long start = Math.floorDiv(nowMs, bucketMs) * bucketMs;
        int i = (int) Math.floorMod(Math.floorDiv(nowMs, bucketMs), (long) BUCKETS);
        if (bucketStartMs[i] != start) {
            bucketStartMs[i] = start;
            calls[i] = 0;
            retries[i] = 0;
        }
        return i;
    }
}
