package dev.pledge.sim;

import java.util.ArrayDeque;
import java.util.List;

/** The last {@code linesMax} lines of what happened, for the failure report. */
final class Trace {
    private final int linesMax;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private long total;
    private boolean enabled = true;

    Trace(int linesMax) {
        this.linesMax = linesMax;
    }

    void enabled(boolean value) {
        enabled = value;
    }

    boolean enabled() {
        return enabled;
    }

    void add(long nowMs, String line) {
        total++;
        if (!enabled) return;
        if (lines.size() >= linesMax) lines.removeFirst();
        lines.addLast(String.format("%7d ms  %s", nowMs, line));
    }

    long total() {
        return total;
    }

    List<String> tail() {
        return List.copyOf(lines);
    }
}
