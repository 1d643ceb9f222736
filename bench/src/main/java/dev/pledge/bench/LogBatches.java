package dev.pledge.bench;

import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.wire.Admin;

import java.util.Locale;
import java.util.Map;

/**
 * A node's log counters from its Admin stats: synced writes, fsyncs, the largest batch since the
 * node started. {@code error} says why they could not be read (then the counts are 0).
 */
record LogBatches(String node, long syncedWrites, long syncs, long batchMax, String error) {

    static LogBatches of(String node, Endpoint endpoint, RpcClientConfig config) {
        try (RpcClient rpc = new RpcClient(endpoint, config)) {
            Map<String, Long> c = rpc.call(Services.ADMIN, new Admin.Client.Factory(), (a, ms) -> a.stats(), 5_000).getCounters();
            return new LogBatches(node, c.getOrDefault("log.synced_submissions", 0L), c.getOrDefault("log.syncs", 0L),
                    c.getOrDefault("log.batch_submissions_max", 0L), null);
        } catch (Exception e) {
            return new LogBatches(node, 0, 0, 0, "stats unavailable: " + e.getMessage());
        }
    }

    boolean known() {
        return error == null;
    }

    /** What was written between {@code earlier} and this reading (the largest batch stays since start). */
    LogBatches since(LogBatches earlier) {
        String why = error != null ? error : earlier.error;
        if (why != null) return new LogBatches(node, 0, 0, 0, why);
        return new LogBatches(node, syncedWrites - earlier.syncedWrites, syncs - earlier.syncs, batchMax, null);
    }

    @Override
    public String toString() {
        if (!known()) return node + " (" + error + ")";
        return String.format(Locale.ROOT, "%s: %d synced writes in %d fsyncs (%.2f per fsync), largest batch %d",
                node, syncedWrites, syncs, syncs == 0 ? 0.0 : (double) syncedWrites / syncs, batchMax);
    }
}
