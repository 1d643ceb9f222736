package dev.pledge.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a run's measured part cost: CPU time of this JVM and the given node processes, and each
 * named node's log writes and fsyncs. Warm-up and priming are left out, so per-transaction
 * figures divide by the transactions counted in the same window.
 */
final class WindowCounters implements LoadHarness.Window {
    private final List<Long> pids;
    private final Map<String, Supplier<LogBatches>> logs;
    private final Map<String, LogBatches> atOpen = new LinkedHashMap<>();
    private final Map<String, LogBatches> during = new LinkedHashMap<>();
    private double cpuAtOpen;
    private double cpuSeconds = Double.NaN;

    /** {@code logs}: how to read each node's log counters, by the node's name in reports. */
    WindowCounters(List<Long> pids, Map<String, Supplier<LogBatches>> logs) {
        this.pids = List.copyOf(pids);
        this.logs = new LinkedHashMap<>(logs);
    }

    static WindowCounters cpuOnly(List<Long> pids) {
        return new WindowCounters(pids, Map.of());
    }

    @Override
    public void opened() {
        logs.forEach((node, read) -> atOpen.put(node, read.get()));
        cpuAtOpen = CpuMeter.cpuSeconds(pids);
    }

    @Override
    public void closed() {
        cpuSeconds = CpuMeter.cpuSeconds(pids) - cpuAtOpen;
        logs.forEach((node, read) -> during.put(node, read.get().since(atOpen.get(node))));
    }

    /** CPU seconds spent in the window; NaN before it closed. */
    double cpuSeconds() {
        return cpuSeconds;
    }

    /** Each node's log writes in the window, in the order the nodes were given. */
    Map<String, LogBatches> logs() {
        return during;
    }

    /** Fsyncs in the window by the nodes {@code nodes} names, or -1 if any of them could not be read. */
    long fsyncs(List<String> nodes) {
        long sum = 0;
        for (String node : nodes) {
            LogBatches b = during.get(node);
            if (b == null || !b.known()) return -1;
            sum += b.syncs();
        }
        return sum;
    }
}
