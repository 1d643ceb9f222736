package dev.pledge.participant.runtime;

import dev.pledge.runtime.Clock;

/**
 * When this participant last reached its coordinator, and since when every call has failed.
 * {@code /health} turns it into "coordinator lost for N ms"; any call (enlist, status, ping) counts.
 */
public final class CoordinatorContact {
    private final Clock clock;
    private long lastOkMs = -1;
    private long failingSinceMs = -1;
    private String lastError = "";

    CoordinatorContact(Clock clock) {
        this.clock = clock;
    }

    synchronized void ok() {
        lastOkMs = clock.nowMs();
        failingSinceMs = -1;
        lastError = "";
    }

    synchronized void failed(String error) {
        if (failingSinceMs < 0) failingSinceMs = clock.nowMs();
        lastError = error == null ? "" : error;
    }

    /** Milliseconds every call has been failing for, 0 while the last call succeeded (or none was made). */
    public synchronized long lostForMs() {
        return failingSinceMs < 0 ? 0 : Math.max(0, clock.nowMs() - failingSinceMs);
    }

    public synchronized String lastError() {
        return lastError;
    }

    public synchronized long lastOkMs() {
        return lastOkMs;
    }
}
