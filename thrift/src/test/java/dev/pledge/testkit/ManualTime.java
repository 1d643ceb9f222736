package dev.pledge.testkit;

import dev.pledge.runtime.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when someone sleeps on it (or a test advances it); records every sleep. */
public final class ManualTime implements Clock {
    private final AtomicLong nowMs;
    private final List<Long> sleepsMs = new CopyOnWriteArrayList<>();

    public ManualTime(long startMs) {
        this.nowMs = new AtomicLong(startMs);
    }

    @Override
    public long nowMs() {
        return nowMs.get();
    }

    @Override
    public void sleepMs(long ms) {
        sleepsMs.add(ms);
        nowMs.addAndGet(ms);
    }

    public void advanceMs(long ms) {
        nowMs.addAndGet(ms);
    }

    public List<Long> sleepsMs() {
        return List.copyOf(sleepsMs);
    }

    public long sleptMs() {
        return sleepsMs.stream().mapToLong(Long::longValue).sum();
    }
}
