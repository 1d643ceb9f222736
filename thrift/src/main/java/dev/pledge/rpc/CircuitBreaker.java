package dev.pledge.rpc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-endpoint circuit breaker. CLOSED -> OPEN after {@code threshold} consecutive failures;
 * OPEN -> HALF_OPEN once {@code coolDownMs} passed, and exactly one probe call is let through;
 * its success closes the circuit, its failure re-opens it. Calls refused while OPEN (or while the
 * probe is out) fail fast, so a dead node costs callers nothing but the check.
 */
final class CircuitBreaker {
    enum State { CLOSED, OPEN, HALF_OPEN }

    private static final Logger log = LoggerFactory.getLogger(CircuitBreaker.class);

    private final String name;
    private final Endpoint endpoint;
    private final int threshold;
    private final long coolDownMs;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openedAtMs;
    private boolean probeOut;

    CircuitBreaker(String name, int threshold, long coolDownMs) {
        this(name, null, threshold, coolDownMs);
    }

    /** {@code endpoint} (nullable) is what {@link RpcObserver}s are told the changes are about. */
    CircuitBreaker(String name, Endpoint endpoint, int threshold, long coolDownMs) {
        this.name = name;
        this.endpoint = endpoint;
        this.threshold = threshold;
        this.coolDownMs = coolDownMs;
    }

    synchronized State state() {
        return state;
    }

    /** True if a call may be sent now. Each true must be followed by exactly one on* report. */
    synchronized boolean tryAcquire(long nowMs) {
        if (state == State.OPEN && nowMs - openedAtMs >= coolDownMs) {
            transition(State.HALF_OPEN, "cool-down of " + coolDownMs + " ms passed");
        }
        if (state == State.CLOSED) return true;
        if (state == State.HALF_OPEN && !probeOut) {
            probeOut = true;
            return true;
        }
        return false;
    }

    synchronized void onSuccess() {
        consecutiveFailures = 0;
        probeOut = false;
        if (state != State.CLOSED) transition(State.CLOSED, "probe succeeded");
    }

    synchronized void onFailure(long nowMs) {
        probeOut = false;
        if (state == State.HALF_OPEN) {
            consecutiveFailures++;
            openedAtMs = nowMs;
            transition(State.OPEN, "probe failed");
        } else {
            countFailure(nowMs);
        }
    }

    private void countFailure(long nowMs) {
        consecutiveFailures++;
        if (state == State.CLOSED && consecutiveFailures >= threshold) {
            openedAtMs = nowMs;
            transition(State.OPEN, consecutiveFailures + " consecutive failures");
        }
    }

    /**
     * A liveness probe sent outside {@link #tryAcquire} answered ({@code ok}) or not. An answer
     * closes the circuit at once; a failure counts like any other but leaves a probe in flight alone.
     */
    synchronized void onProbe(boolean ok, long nowMs) {
        if (ok) {
            consecutiveFailures = 0;
            if (state != State.CLOSED) transition(State.CLOSED, "a liveness probe was answered");
            return;
        }
        countFailure(nowMs);
    }

    /** The acquired call ended in a way that says nothing about the endpoint (a bug in the caller). */
    synchronized void onAbandoned() {
        probeOut = false;
    }

    private void transition(State next, String reason) {
        log.info("rpc-client {} breaker {} -> {} ({})", name, state, next, reason);
        State previous = state;
        state = next;
        if (endpoint != null) RpcObserver.Registry.breakerChanged(endpoint, previous.name(), next.name());
    }
}
