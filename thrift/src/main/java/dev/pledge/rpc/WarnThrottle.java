package dev.pledge.rpc;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * At most one WARN line per kind of event and interval; the next line says how many were left out.
 * A flood of refused connections must not become a flood of log lines.
 */
final class WarnThrottle {
    private final Logger log;
    private final long intervalMs;
    private final Map<String, Window> windows = new HashMap<>();

    private static final class Window {
        long loggedAtMs;
        long suppressed;
    }

    WarnThrottle(Logger log, long intervalMs) {
        this.log = log;
        this.intervalMs = intervalMs;
    }

    synchronized void warn(String kind, long nowMs, String message) {
        Window w = windows.get(kind);
        if (w != null && nowMs - w.loggedAtMs < intervalMs) {
            w.suppressed++;
            return;
        }
        if (w == null) {
            w = new Window();
            windows.put(kind, w);
        }
        long left = w.suppressed;
        w.loggedAtMs = nowMs;
        w.suppressed = 0;
        if (left == 0) {
            log.warn(message);
        } else {
            log.warn("{} ({} more like it in the last {} ms not logged)", message, left, intervalMs);
        }
    }
}
