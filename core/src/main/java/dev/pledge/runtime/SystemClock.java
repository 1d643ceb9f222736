package dev.pledge.runtime;

import java.util.concurrent.TimeUnit;

/**
 * Wall-clock milliseconds read once at start-up, then advanced by {@link System#nanoTime()}: a wall
 * clock step never shortens a deadline or runs time backwards within the process, while values
 * stay comparable across restarts (records persist them, e.g. END times for retention).
 */
enum SystemClock implements Clock {
    INSTANCE;

    private final long startWallMs = System.currentTimeMillis();
    private final long startNanos = System.nanoTime();

    @Override
    public long nowMs() {
        return startWallMs + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    @Override
    public void sleepMs(long ms) throws InterruptedException {
        if (ms > 0) Thread.sleep(ms);
    }
}
