package dev.pledge.rpc;

import java.util.concurrent.TimeUnit;

/** Monotonic time from {@link System#nanoTime()}, so wall-clock jumps never shorten a deadline. */
enum SystemTimeSource implements TimeSource {
    INSTANCE;

    @Override
    public long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    @Override
    public void sleepMs(long ms) throws InterruptedException {
        if (ms > 0) Thread.sleep(ms);
    }
}
