package dev.pledge.chaos.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the checker found after healing: violations by check, and what each check covered. */
final class CheckReport {
    private static final int VIOLATIONS_KEPT_MAX = 200;

    private final Map<String, List<String>> violations = new LinkedHashMap<>();
    private final Map<String, Long> coverage = new LinkedHashMap<>();
    private final Map<String, Long> inDoubtResolvedAs = new LinkedHashMap<>();
    long quiesceMs = -1;

    synchronized void violation(String check, String what) {
        List<String> list = violations.computeIfAbsent(check, k -> new ArrayList<>());
        if (list.size() < VIOLATIONS_KEPT_MAX) list.add(what);
    }

    synchronized void covered(String what, long count) {
        coverage.merge(what, count, Long::sum);
    }

    synchronized void inDoubtResolved(String as) {
        inDoubtResolvedAs.merge(as, 1L, Long::sum);
    }

    synchronized boolean clean() {
        return violations.isEmpty();
    }

    synchronized Map<String, Long> coverage() {
        return new LinkedHashMap<>(coverage);
    }

    synchronized Map<String, Long> inDoubtResolvedAs() {
        return new LinkedHashMap<>(inDoubtResolvedAs);
    }

    @Override
    public synchronized String toString() {
        if (violations.isEmpty()) return "checker: CLEAN";
        StringBuilder sb = new StringBuilder("checker: VIOLATIONS");
        violations.forEach((check, list) -> {
            sb.append("\n  ").append(check).append(" (").append(list.size()).append("):");
            list.stream().limit(20).forEach(v -> sb.append("\n    ").append(v));
        });
        return sb.toString();
    }
}
