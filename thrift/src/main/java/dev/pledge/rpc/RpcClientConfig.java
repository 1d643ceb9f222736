package dev.pledge.rpc;

import dev.pledge.core.Backoff;
import dev.pledge.core.Check;

/**
 * Immutable, validated settings of one {@link RpcClient}.
 *
 * @param poolSize                 idle connections kept for reuse (more may be open while busy)
 * @param connectTimeoutMs         upper bound on one TCP connect (also bounded by the call's deadline)
 * @param maxAttempts              attempts per call, the first one included
 * @param backoffBaseMs            backoff before retry n is random in [0, min(backoffMaxMs, backoffBaseMs * 2^n)]
 * @param backoffMaxMs             cap of the backoff
 * @param retryBudgetRatio         retries allowed as a share of calls in the window
 * @param retryBudgetFloor         retries always allowed per window, so a quiet client can still retry
 * @param retryBudgetWindowMs      length of the sliding window of the budget
 * @param breakerFailureThreshold  consecutive failures that open the circuit
 * @param breakerCoolDownMs        time the circuit stays open before one probe is let through
 * @param maxFrameBytes            largest frame (and message) this client sends or accepts
 * @param tls                      TLS for every connection, or null for plain TCP
 */
public record RpcClientConfig(int poolSize, long connectTimeoutMs, int maxAttempts, long backoffBaseMs,
        long backoffMaxMs, double retryBudgetRatio, int retryBudgetFloor, long retryBudgetWindowMs,
        int breakerFailureThreshold, long breakerCoolDownMs, int maxFrameBytes, RpcTls tls) {

    public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
    /** Limits that keep a typo from configuring an unbounded loop or pool. */
    static final int POOL_SIZE_MAX = 1024;
    static final int MAX_ATTEMPTS_MAX = 100;

    public RpcClientConfig {
        Check.argument(poolSize >= 0 && poolSize <= POOL_SIZE_MAX,
                "poolSize must be in [0, %s], was %s", POOL_SIZE_MAX, poolSize);
        Check.argument(connectTimeoutMs > 0, "connectTimeoutMs must be > 0, was %s", connectTimeoutMs);
        Check.argument(maxAttempts >= 1 && maxAttempts <= MAX_ATTEMPTS_MAX,
                "maxAttempts must be in [1, %s], was %s", MAX_ATTEMPTS_MAX, maxAttempts);
        Check.argument(backoffBaseMs >= 0, "backoffBaseMs must be >= 0, was %s", backoffBaseMs);
        Check.argument(backoffMaxMs >= backoffBaseMs,
                "backoffMaxMs (%s) must be >= backoffBaseMs (%s)", backoffMaxMs, backoffBaseMs);
        Check.argument(retryBudgetRatio >= 0.0 && retryBudgetRatio <= 1.0,
                "retryBudgetRatio must be in [0, 1], was %s", retryBudgetRatio);
        Check.argument(retryBudgetFloor >= 0, "retryBudgetFloor must be >= 0, was %s", retryBudgetFloor);
        Check.argument(retryBudgetWindowMs > 0, "retryBudgetWindowMs must be > 0, was %s", retryBudgetWindowMs);
        Check.argument(breakerFailureThreshold >= 1,
                "breakerFailureThreshold must be >= 1, was %s", breakerFailureThreshold);
        Check.argument(breakerCoolDownMs >= 0, "breakerCoolDownMs must be >= 0, was %s", breakerCoolDownMs);
        Check.argument(maxFrameBytes >= 1024, "maxFrameBytes must be >= 1024, was %s", maxFrameBytes);
    }

    public static RpcClientConfig defaults() {
        return new RpcClientConfig(8, 1000, 5, 20, 1000, 0.1, 10, 10_000, 5, 2000, DEFAULT_MAX_FRAME_BYTES, null);
    }

    public RpcClientConfig withPoolSize(int v) {
        return new RpcClientConfig(v, connectTimeoutMs, maxAttempts, backoffBaseMs, backoffMaxMs, retryBudgetRatio,
                retryBudgetFloor, retryBudgetWindowMs, breakerFailureThreshold, breakerCoolDownMs, maxFrameBytes, tls);
    }

    public RpcClientConfig withConnectTimeoutMs(long v) {
        return new RpcClientConfig(poolSize, v, maxAttempts, backoffBaseMs, backoffMaxMs, retryBudgetRatio,
                retryBudgetFloor, retryBudgetWindowMs, breakerFailureThreshold, breakerCoolDownMs, maxFrameBytes, tls);
    }

    public RpcClientConfig withMaxAttempts(int v) {
        return new RpcClientConfig(poolSize, connectTimeoutMs, v, backoffBaseMs, backoffMaxMs, retryBudgetRatio,
                retryBudgetFloor, retryBudgetWindowMs, breakerFailureThreshold, breakerCoolDownMs, maxFrameBytes, tls);
    }

    public RpcClientConfig withBackoff(long baseMs, long maxMs) {
        return new RpcClientConfig(poolSize, connectTimeoutMs, maxAttempts, baseMs, maxMs, retryBudgetRatio,
                retryBudgetFloor, retryBudgetWindowMs, breakerFailureThreshold, breakerCoolDownMs, maxFrameBytes, tls);
    }

    public RpcClientConfig withRetryBudget(double ratio, int floor, long windowMs) {
        return new RpcClientConfig(poolSize, connectTimeoutMs, maxAttempts, backoffBaseMs, backoffMaxMs, ratio,
                floor, windowMs, breakerFailureThreshold, breakerCoolDownMs, maxFrameBytes, tls);
    }

    public RpcClientConfig withBreaker(int failureThreshold, long coolDownMs) {
        return new RpcClientConfig(poolSize, connectTimeoutMs, maxAttempts, backoffBaseMs, backoffMaxMs,
                retryBudgetRatio, retryBudgetFloor, retryBudgetWindowMs, failureThreshold, coolDownMs, maxFrameBytes, tls);
    }

    public RpcClientConfig withMaxFrameBytes(int v) {
        return new RpcClientConfig(poolSize, connectTimeoutMs, maxAttempts, backoffBaseMs, backoffMaxMs,
                retryBudgetRatio, retryBudgetFloor, retryBudgetWindowMs, breakerFailureThreshold, breakerCoolDownMs, v, tls);
    }

    public RpcClientConfig withTls(RpcTls v) {
        return new RpcClientConfig(poolSize, connectTimeoutMs, maxAttempts, backoffBaseMs, backoffMaxMs,
                retryBudgetRatio, retryBudgetFloor, retryBudgetWindowMs, breakerFailureThreshold, breakerCoolDownMs,
                maxFrameBytes, v);
    }
}
