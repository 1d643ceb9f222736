package dev.pledge.participant.runtime;

import dev.pledge.runtime.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * When this participant last reached each of its coordinators, and since when every call to one
 * has failed. {@code /health} turns it into "coordinator lost for N ms" once every coordinator is
 * failing: with several, one that answers is enough to work. Any call (enlist, status, ping) counts.
 */
public final class CoordinatorContact {
    private final Clock clock;
    private final Map<String, Link> links = new HashMap<>();

    CoordinatorContact(Clock clock) {
        this.clock = clock;
    }

    private static final class Link {
        long lastOkMs = -1;
        long failingSinceMs = -1;
        String lastError = "";
    }

    synchronized void ok(String coordinatorId) {
        Link l = links.computeIfAbsent(coordinatorId, id -> new Link());
        l.lastOkMs = clock.nowMs();
        l.failingSinceMs = -1;
        l.lastError = "";
    }

    synchronized void failed(String coordinatorId, String error) {
        Link l = links.computeIfAbsent(coordinatorId, id -> new Link());
        if (l.failingSinceMs < 0) l.failingSinceMs = clock.nowMs();
        l.lastError = error == null ? "" : error;
    }

    /**
     * Milliseconds every coordinator has been failing for (since the last of them started failing),
     * 0 while any one's last call succeeded (or none was made).
     */
    public synchronized long lostForMs() {
        if (links.isEmpty()) return 0;
        long latestFailingSince = -1;
        for (Link l : links.values()) {
            if (l.failingSinceMs < 0) return 0;
            latestFailingSince = Math.max(latestFailingSince, l.failingSinceMs);
        }
        return Math.max(0, clock.nowMs() - latestFailingSince);
    }

    /** The latest error of each failing coordinator, "id: error; ...". */
    public synchronized String lastError() {
        StringBuilder b = new StringBuilder();
        links.entrySet().stream().filter(e -> e.getValue().failingSinceMs >= 0).sorted(Map.Entry.comparingByKey())
                .forEach(e -> b.append(b.length() == 0 ? "" : "; ").append(e.getKey()).append(": ")
                        .append(e.getValue().lastError));
        return b.toString();
    }

    /** The last successful call to any coordinator, or -1. */
    public synchronized long lastOkMs() {
        return links.values().stream().mapToLong(l -> l.lastOkMs).max().orElse(-1);
    }
}
