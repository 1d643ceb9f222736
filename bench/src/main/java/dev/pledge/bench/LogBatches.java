package dev.pledge.bench;

import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.wire.Admin;

import java.util.Locale;
import java.util.Map;

/** How well a node's log shared fsyncs during a run: synced writes per fsync, from its Admin stats. */
record LogBatches(String node, long syncedWrites, long syncs, long batchMax) {

    static LogBatches of(String node, Endpoint endpoint, RpcClientConfig config) {
        try (RpcClient rpc = new RpcClient(endpoint, config)) {
            Map<String, Long> c = rpc.call(Services.ADMIN, new Admin.Client.Factory(), (a, ms) -> a.stats(), 5_000).getCounters();
            return new LogBatches(node, c.getOrDefault("log.synced_submissions", 0L), c.getOrDefault("log.syncs", 0L),
                    c.getOrDefault("log.batch_submissions_max", 0L));
        } catch (Exception e) {
            return new LogBatches(node + " (stats unavailable: " + e.getMessage() + ")", 0, 0, 0);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: %d synced writes in %d fsyncs (%.2f per fsync), largest batch %d",
                node, syncedWrites, syncs, syncs == 0 ? 0.0 : (double) syncedWrites / syncs, batchMax);
    }
}
