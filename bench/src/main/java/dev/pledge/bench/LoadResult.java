package dev.pledge.bench;

import org.HdrHistogram.Histogram;

/**
 * What one (participants, concurrency) cell of a run measured. {@code leaders}: on a replicated
 * cluster, which machine led each participant's shard during the measured part (placement decides
 * which machine does the leader's work, so cells of one run differ by it); null elsewhere.
 */
record LoadResult(String system, int participants, int concurrency, double seconds, long committed, long aborted,
                  long failed, Histogram commitLatencyUs, Histogram txLatencyUs, double cpuSeconds,
                  long coordinatorFsyncs, long participantFsyncs, String leaders) {

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

    /** Fsyncs per committed transaction, or NaN when not counted (-1) or nothing committed. */
    private double perTx(long fsyncs) {
        return fsyncs < 0 || committed == 0 ? Double.NaN : (double) fsyncs / committed;
    }

    private static String json(double v) {
        return Double.isNaN(v) ? "null" : String.format(java.util.Locale.ROOT, "%.4f", v);
    }

    private static String cell(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(java.util.Locale.ROOT, "%.3f", v);
    }

    String toJson() {
        return String.format(java.util.Locale.ROOT,
                "{\"system\":\"%s\",\"participants\":%d,\"concurrency\":%d,\"seconds\":%.3f,\"committed\":%d,\"aborted\":%d,"
                        + "\"failed\":%d,\"txPerSecond\":%.1f,\"commitP50Ms\":%.3f,\"commitP99Ms\":%.3f,\"commitP999Ms\":%.3f,"
                        + "\"txP50Ms\":%.3f,\"txP99Ms\":%.3f,\"cpuSeconds\":%.3f,\"cpuMsPerTx\":%.4f,"
                        + "\"coordinatorFsyncsPerTx\":%s,\"participantFsyncsPerTx\":%s,\"leaders\":%s}",
                system, participants, concurrency, seconds, committed, aborted, failed, txPerSecond(), commitMs(50),
                commitMs(99), commitMs(99.9), txLatencyUs.getValueAtPercentile(50) / 1000.0,
                txLatencyUs.getValueAtPercentile(99) / 1000.0, cpuSeconds, cpuMsPerTx(), json(perTx(coordinatorFsyncs)),
                json(perTx(participantFsyncs)), leaders == null ? "null" : "\"" + leaders + "\"");
    }

    String toMarkdownRow() {
        return String.format(java.util.Locale.ROOT, "| %s | %d | %d | %.0f | %.3f | %.3f | %.3f | %.3f | %s | %s | %d | %d |",
                system, participants, concurrency, txPerSecond(), commitMs(50), commitMs(99), commitMs(99.9), cpuMsPerTx(),
                cell(perTx(coordinatorFsyncs)), cell(perTx(participantFsyncs)), aborted, failed);
    }

    static String markdownHeader() {
        return "| system | N | K | tx/s | commit p50 ms | commit p99 ms | commit p99.9 ms | CPU ms/tx"
                + " | coordinator fsyncs/tx | participant fsyncs/tx | aborted | failed |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|";
    }
}
