package dev.pledge.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

/** CPU time of this JVM plus the given node processes, so a figure covers everything the run used. */
final class CpuMeter {
    private CpuMeter() {}

    static double cpuSeconds(List<Long> pids) {
        double total = ownCpuNs() / 1e9;
        for (long pid : pids) {
            total += ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L) / 1e9;
        }
        return total;
    }

    private static long ownCpuNs() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
        return 0;
    }
}
