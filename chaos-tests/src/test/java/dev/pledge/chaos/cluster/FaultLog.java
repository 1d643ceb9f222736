package dev.pledge.chaos.cluster;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Every fault injected and healed, with its time since the run began; printed as it happens. */
final class FaultLog {
    private static final int LINES_MAX = 10_000;

    private final long startNs = System.nanoTime();
    private final List<String> lines = new ArrayList<>();
    private final Map<FaultKind, Integer> injected = new EnumMap<>(FaultKind.class);
    private long resolutionMsMax = -1;
    private String slowest = "";
    private int unresolved;

    synchronized void injected(Fault fault) {
        injected.merge(fault.kind(), 1, Integer::sum);
        line("inject " + fault);
    }

    synchronized void healed(Fault fault) {
        line("heal   " + fault.kind() + " " + String.join(",", fault.nodes()));
    }

    /** What the fault left in doubt was resolved {@code ms} after the heal ({@code -1}: not within the bound). */
    synchronized void resolved(Fault fault, int branches, long ms) {
        if (ms < 0) {
            unresolved++;
            line("UNRESOLVED after heal of " + fault.kind() + ": " + branches + " branches still in doubt");
            return;
        }
        line("resolved " + branches + " branches in doubt at heal of " + fault.kind() + " in " + ms + " ms");
        if (ms > resolutionMsMax) {
            resolutionMsMax = ms;
            slowest = fault.kind().name();
        }
    }

    synchronized void note(String text) {
        line(text);
    }

    private void line(String text) {
        String line = String.format(Locale.ROOT, "[nemesis +%8.3f s] %s", (System.nanoTime() - startNs) / 1e9, text);
        System.out.println(line);
        if (lines.size() < LINES_MAX) lines.add(line);
    }

    synchronized Map<FaultKind, Integer> injectedByKind() {
        return new EnumMap<>(injected);
    }

    synchronized long resolutionMsMax() {
        return resolutionMsMax;
    }

    synchronized String slowestKind() {
        return slowest;
    }

    synchronized int unresolved() {
        return unresolved;
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}
