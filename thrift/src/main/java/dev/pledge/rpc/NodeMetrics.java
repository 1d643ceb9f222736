package dev.pledge.rpc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The metrics every Pledge node shares: one Prometheus registry tagged with the node id, the RPC
 * clients' retries and breaker states (through {@link RpcObserver}), log-sync batch sizes, and the
 * HTTP endpoints. Each node adds its own meters to {@link #registry()}.
 */
public final class NodeMetrics implements RpcObserver, AutoCloseable {
    /** Bound on endpoints with their own breaker gauge; a node talks to a handful. */
    private static final int ENDPOINTS_MAX = 256;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<Endpoint, AtomicInteger> breakerStates = new ConcurrentHashMap<>();
    private final DistributionSummary syncedBatches;
    private final DistributionSummary unsyncedBatches;
    private volatile Runnable beforeScrape = () -> {};
    private OpsHttpServer http;

    public NodeMetrics(String role, String nodeId) {
        registry.config().commonTags("node", nodeId, "role", role);
        syncedBatches = batchSummary("true");
        unsyncedBatches = batchSummary("false");
        RpcObserver.add(this);
    }

    private DistributionSummary batchSummary(String synced) {
        return DistributionSummary.builder("pledge_log_batch_entries")
                .description("Submissions written per log batch (group commit): how many share one fsync")
                .tag("synced", synced).publishPercentileHistogram().minimumExpectedValue(1.0)
                .maximumExpectedValue(1_024.0).register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** A group-commit writer wrote a batch of {@code entries} submissions. */
    public void logBatch(int entries, boolean synced) {
        (synced ? syncedBatches : unsyncedBatches).record(entries);
    }

    /** Runs before each scrape, so meters that copy a snapshot (one query of the core) see fresh values. */
    public void beforeScrape(Runnable refresh) {
        this.beforeScrape = refresh;
    }

    public String scrape() {
        beforeScrape.run();
        return registry.scrape();
    }

    @Override
    public void retried(Endpoint endpoint, String serviceName, int attempt) {
        Counter.builder("pledge_rpc_retries").description("RPC attempts sent again after a retryable failure")
                .tag("endpoint", endpoint.toString()).tag("service", serviceName).register(registry).increment();
    }

    @Override
    public void breakerChanged(Endpoint endpoint, String from, String to) {
        Counter.builder("pledge_rpc_breaker_transitions").description("Circuit breaker state changes")
                .tag("endpoint", endpoint.toString()).tag("to", to).register(registry).increment();
        AtomicInteger state = breakerStates.get(endpoint);
        if (state == null && breakerStates.size() < ENDPOINTS_MAX) {
            state = breakerStates.computeIfAbsent(endpoint, e -> {
                AtomicInteger s = new AtomicInteger();
                Gauge.builder("pledge_rpc_breaker_state", s, AtomicInteger::get)
                        .description("Circuit breaker per endpoint: 0 closed, 1 half-open, 2 open")
                        .tag("endpoint", e.toString()).register(registry);
                return s;
            });
        }
        if (state != null) state.set(switch (to) {
            case "OPEN" -> 2;
            case "HALF_OPEN" -> 1;
            default -> 0;
        });
    }

    /** Serves /metrics and /health on {@code listen}; returns the bound port. */
    public synchronized int serve(String nodeId, Endpoint listen, Supplier<OpsHttpServer.Health> health) throws IOException {
        if (http != null) throw new IllegalStateException("metrics are already served on port " + http.port());
        http = OpsHttpServer.start(nodeId, listen, this::scrape, health);
        return http.port();
    }

    @Override
    public synchronized void close() {
        RpcObserver.remove(this);
        if (http != null) http.close();
        http = null;
        registry.close();
    }
}
