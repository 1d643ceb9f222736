package dev.pledge.participant.config;

import dev.pledge.core.Check;
import dev.pledge.rpc.Endpoint;

/**
 * Where a participant serves /metrics and /health, and after how long without a successful
 * coordinator call /health reports the coordinator lost (503).
 */
public record MetricsConfig(Endpoint listen, long coordinatorLostAfterMs) {
    public MetricsConfig {
        Check.notNull(listen, "listen");
        Check.argument(coordinatorLostAfterMs >= 100, "coordinatorLostAfterMs must be >= 100, was %s", coordinatorLostAfterMs);
    }
}
