package dev.pledge.demo.client;

import org.HdrHistogram.Recorder;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters and a latency recorder the workload feeds and the live line reads once a second. */
public final class LiveStats {
    private static final long LATENCY_US_MAX = 120_000_000L;

    private final LongAdder committed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder aborted = new LongAdder();
    private final LongAdder inDoubt = new LongAdder();
    private final Map<String, LongAdder> reasons = new ConcurrentHashMap<>();
    private final Recorder latencyUs = new Recorder(LATENCY_US_MAX, 2);
    private long lastCommitted;

    public void record(OpResult r) {
        latencyUs.recordValue(Math.min(LATENCY_US_MAX, Math.max(0, r.latencyUs())));
        switch (r.kind()) {
            case COMMITTED -> committed.increment();
            case REJECTED -> {
                rejected.increment();
                reasons.computeIfAbsent(code(r.reason()), k -> new LongAdder()).increment();
            }
            case ABORTED -> {
                aborted.increment();
                reasons.computeIfAbsent(code(r.reason()), k -> new LongAdder()).increment();
            }
            case IN_DOUBT -> inDoubt.increment();
        }
    }

    /** The reason's code: the text before the first colon (e.g. COURSE_FULL, DEADLOCK_AVOIDED). */
    private static String code(String reason) {
        if (reason == null || reason.isBlank()) return "UNKNOWN";
        int colon = reason.indexOf(':');
        String head = (colon > 0 ? reason.substring(0, colon) : reason).trim();
        return head.length() > 40 ? head.substring(0, 40) : head;
    }

    public long committed() {
        return committed.sum();
    }

    public long inDoubtSeen() {
        return inDoubt.sum();
    }

    /** One line covering the interval since the last call: throughput, totals, reasons, latency. */
    public synchronized String line(double intervalS, long branchesInDoubt, String faults) {
        long c = committed.sum();
        double rate = (c - lastCommitted) / intervalS;
        lastCommitted = c;
        var h = latencyUs.getIntervalHistogram();
        Map<String, Long> sorted = new TreeMap<>();
        reasons.forEach((k, v) -> sorted.put(k, v.sum()));
        StringBuilder why = new StringBuilder();
        sorted.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(4)
                .forEach(e -> why.append(why.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue()));
        return String.format(java.util.Locale.ROOT,
                "tx/s %5.0f | committed %7d | rejected %6d aborted %5d [%s] | prepared, awaiting decision %s | in doubt at client %d | p50 %6.1f ms p99 %7.1f ms%s",
                rate, c, rejected.sum(), aborted.sum(), why, branchesInDoubt < 0 ? "?" : Long.toString(branchesInDoubt), inDoubt.sum(),
                h.getTotalCount() == 0 ? 0.0 : h.getValueAtPercentile(50) / 1000.0,
                h.getTotalCount() == 0 ? 0.0 : h.getValueAtPercentile(99) / 1000.0,
                faults.isEmpty() ? "" : " | " + faults);
    }
}
