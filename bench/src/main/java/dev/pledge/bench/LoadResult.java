package dev.pledge.bench;

import org.HdrHistogram.Histogram;

/** What one (participants, concurrency) cell of a run measured. */
record LoadResult(String system, int participants, int concurrency, double seconds, long committed, long aborted,
                  long failed, Histogram commitLatencyUs, Histogram txLatencyUs, double cpuSeconds) {

    double txPerSecond() {
        return committed / seconds;
    }

    double commitMs(double percentile) {
        return commitLatencyUs.getValueAtPercentile(percentile) / 1000.0;
    }

    /** CPU seconds (all processes) spent per thousand committed transactions. */
    double cpuMsPerTx() {
        return committed == 0 ? Double.NaN : cpuSeconds * 1000.0 / committed;
    }

    String toJson() {
        return String.format(java.util.Locale.ROOT,
                "{\"system\":\"%s\",\"participants\":%d,\"concurrency\":%d,\"seconds\":%.3f,\"committed\":%d,\"aborted\":%d,"
                        + "\"failed\":%d,\"txPerSecond\":%.1f,\"commitP50Ms\":%.3f,\"commitP99Ms\":%.3f,\"commitP999Ms\":%.3f,"
                        + "\"txP50Ms\":%.3f,\"txP99Ms\":%.3f,\"cpuSeconds\":%.3f,\"cpuMsPerTx\":%.4f}",
                system, participants, concurrency, seconds, committed, aborted, failed, txPerSecond(), commitMs(50),
                commitMs(99), commitMs(99.9), txLatencyUs.getValueAtPercentile(50) / 1000.0,
                txLatencyUs.getValueAtPercentile(99) / 1000.0, cpuSeconds, cpuMsPerTx());
    }

    String toMarkdownRow() {
        return String.format(java.util.Locale.ROOT, "| %s | %d | %d | %.0f | %.3f | %.3f | %.3f | %.3f | %d | %d |",
                system, participants, concurrency, txPerSecond(), commitMs(50), commitMs(99), commitMs(99.9), cpuMsPerTx(),
                aborted, failed);
    }

    static String markdownHeader() {
        return "| system | N | K | tx/s | commit p50 ms | commit p99 ms | commit p99.9 ms | CPU ms/tx | aborted | failed |\n"
                + "|---|---|---|---|---|---|---|---|---|---|";
    }
}
