package dev.pledge.demo.client;

import org.HdrHistogram.Recorder;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters and a latency recorder the workload feeds and the live line reads once a second. */
public final class LiveStats {
    private static final long LATENCY_US_MAX = 120_000_000L;
    /** Reason codes named on the live line; the rest are only counted. */
    private static final int REASONS_SHOWN_MAX = 4;
    /** Longest reason code kept: longer heads are cut, so a free-text message never becomes a code. */
    private static final int REASON_CODE_CHARS_MAX = 40;

    private final LongAdder committed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder aborted = new LongAdder();
    private final LongAdder inDoubt = new LongAdder();
    private final Map<String, LongAdder> reasons = new ConcurrentHashMap<>();
    private final Recorder latencyUs = new Recorder(LATENCY_US_MAX, 2);
    // Per interval: where the time went, and the aborted attempts that were retried.
    private final LongAdder operations = new LongAdder();
    private final LongAdder retriedUs = new LongAdder();
    private final LongAdder operationsUs = new LongAdder();
    private final LongAdder commitUs = new LongAdder();
    private final Map<String, LongAdder> retries = new ConcurrentHashMap<>();
    private long lastCommitted;
    private long lastLockWaits = -1;

    /**
     * One interval of the live line. The three means add up to {@code latencyMsMean}: time in
     * attempts aborted and retried, in the last attempt's operations (lock waits included), in its
     * commit. {@code lockWaitsPerS} is what the participants counted (operations that had to wait
     * for a lock), -1 when unknown; beside the operations' time it tells waiting from working.
     */
    public record Interval(double txPerS, long committed, long rejected, long aborted, Map<String, Long> reasons,
                           long branchesInDoubt, long inDoubtAtClient, double latencyMsP50, double latencyMsP99,
                           double latencyMsMean, double retriedMsMean, double operationsMsMean, double commitMsMean,
                           long retriesTotal, Map<String, Long> retries, double lockWaitsPerS) {
        public Interval {
            reasons = Map.copyOf(reasons);
            retries = Map.copyOf(retries);
        }

        /** The live line: throughput, totals, reasons, latency and where it went, retries, then {@code faults}. */
        public String line(String faults) {
            return String.format(Locale.ROOT,
                    "tx/s %5.0f | committed %7d | rejected %6d aborted %5d [%s] | prepared, awaiting decision %s | in doubt at client %d"
                            + " | p50 %6.1f ms p99 %7.1f ms | mean %5.1f ms = ops & lock waits %5.1f + commit %5.1f + retried %5.1f"
                            + " | retries %d%s | lock waits at participants %s/s%s",
                    txPerS, committed, rejected, aborted, top(reasons), branchesInDoubt < 0 ? "?" : Long.toString(branchesInDoubt),
                    inDoubtAtClient, latencyMsP50, latencyMsP99, latencyMsMean, operationsMsMean, commitMsMean, retriedMsMean,
                    retriesTotal, retries.isEmpty() ? "" : " [" + top(retries) + "]",
                    lockWaitsPerS < 0 ? "?" : String.format(Locale.ROOT, "%.0f", lockWaitsPerS), faults.isEmpty() ? "" : " | " + faults);
        }
    }

    public void record(OpResult r) {
        latencyUs.recordValue(Math.min(LATENCY_US_MAX, Math.max(0, r.latencyUs())));
        operations.increment();
        retriedUs.add(r.split().retriedUs());
        operationsUs.add(r.split().operationsUs());
        commitUs.add(r.split().commitUs());
        r.split().retriedReasons().forEach(reason -> count(retries, reason));
        switch (r.kind()) {
            case COMMITTED -> committed.increment();
            case REJECTED -> {
                rejected.increment();
                count(reasons, r.reason());
            }
            case ABORTED -> {
                aborted.increment();
                count(reasons, r.reason());
            }
            case IN_DOUBT -> inDoubt.increment();
        }
    }

    private static void count(Map<String, LongAdder> counts, String reason) {
        counts.computeIfAbsent(code(reason), k -> new LongAdder()).increment();
    }

    /** The reason's code: the text before the first colon (e.g. COURSE_FULL, DEADLOCK_AVOIDED). */
    private static String code(String reason) {
        if (reason == null || reason.isBlank()) return "UNKNOWN";
        int colon = reason.indexOf(':');
        String head = (colon > 0 ? reason.substring(0, colon) : reason).trim();
        return head.length() > REASON_CODE_CHARS_MAX ? head.substring(0, REASON_CODE_CHARS_MAX) : head;
    }

    /** The most frequent codes first, "CODE n, CODE n". */
    private static String top(Map<String, Long> counts) {
        StringBuilder s = new StringBuilder();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(REASONS_SHOWN_MAX)
                .forEach(e -> s.append(s.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue()));
        return s.toString();
    }

    public long committed() {
        return committed.sum();
    }

    public long inDoubtSeen() {
        return inDoubt.sum();
    }

    /**
     * The interval since the last call (totals since the start). {@code branchesInDoubt} and
     * {@code lockWaitsTotal} (the participants' lock-wait counters summed) are -1 if unknown.
     */
    public synchronized Interval interval(double intervalS, long branchesInDoubt, long lockWaitsTotal) {
        long c = committed.sum();
        double rate = (c - lastCommitted) / intervalS;
        lastCommitted = c;
        var h = latencyUs.getIntervalHistogram();
        long n = operations.sumThenReset();
        double retried = meanMs(retriedUs.sumThenReset(), n);
        double ops = meanMs(operationsUs.sumThenReset(), n);
        double commit = meanMs(commitUs.sumThenReset(), n);
        Map<String, Long> retriedNow = drain(retries);
        // A participant restarted since the last call counts from zero again: no rate this once.
        double lockWaitsPerS = lockWaitsTotal < 0 || lastLockWaits < 0 || lockWaitsTotal < lastLockWaits
                ? -1 : (lockWaitsTotal - lastLockWaits) / intervalS;
        lastLockWaits = lockWaitsTotal;
        return new Interval(rate, c, rejected.sum(), aborted.sum(), snapshot(reasons), branchesInDoubt, inDoubt.sum(),
                h.getTotalCount() == 0 ? 0.0 : h.getValueAtPercentile(50) / 1000.0,
                h.getTotalCount() == 0 ? 0.0 : h.getValueAtPercentile(99) / 1000.0,
                retried + ops + commit, retried, ops, commit,
                retriedNow.values().stream().mapToLong(Long::longValue).sum(), retriedNow, lockWaitsPerS);
    }

    private static double meanMs(long sumUs, long count) {
        return count == 0 ? 0.0 : sumUs / 1000.0 / count;
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counts) {
        Map<String, Long> copy = new LinkedHashMap<>();
        counts.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    private static Map<String, Long> drain(Map<String, LongAdder> counts) {
        Map<String, Long> copy = new LinkedHashMap<>();
        counts.forEach((k, v) -> {
            long n = v.sumThenReset();
            if (n > 0) copy.put(k, n);
        });
        return copy;
    }
}
