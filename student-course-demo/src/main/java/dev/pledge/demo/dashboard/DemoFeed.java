package dev.pledge.demo.dashboard;

import dev.pledge.demo.client.LiveStats;
import dev.pledge.demo.domain.Audit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the running demo tells the dashboard besides the nodes' own answers: the live line's
 * intervals over the last minutes, the latest audit, and recent faults and operator actions.
 * The demo writes to it once a second; the dashboard reads a copy.
 */
public final class DemoFeed {
    /** Ten minutes of one-second intervals. */
    public static final int INTERVALS_KEPT_MAX = 600;
    /** Faults and actions listed on the page, newest first. */
    public static final int EVENTS_KEPT_MAX = 40;

    private final ArrayDeque<Map<String, Object>> intervals = new ArrayDeque<>();
    private final ArrayDeque<Map<String, Object>> events = new ArrayDeque<>();
    private Map<String, Object> audit;
    private int auditsRun;
    private int auditsDirty;
    private String mix = "";
    /** With replicated shards: the machine leading each shard (null: none), as last asked. */
    private Map<String, String> leaders = Map.of();

    public synchronized void mix(String name) {
        mix = name;
    }

    public synchronized void interval(long atMs, LiveStats.Interval i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("atMs", atMs);
        m.put("txPerS", i.txPerS());
        m.put("committed", i.committed());
        m.put("rejected", i.rejected());
        m.put("aborted", i.aborted());
        m.put("reasons", i.reasons());
        m.put("branchesInDoubt", i.branchesInDoubt());
        m.put("inDoubtAtClient", i.inDoubtAtClient());
        m.put("p50Ms", i.latencyMsP50());
        m.put("p99Ms", i.latencyMsP99());
        m.put("meanMs", i.latencyMsMean());
        m.put("operationsMs", i.operationsMsMean());
        m.put("commitMs", i.commitMsMean());
        m.put("retriedMs", i.retriedMsMean());
        m.put("retries", i.retries());
        m.put("lockWaitsPerS", i.lockWaitsPerS());
        if (intervals.size() == INTERVALS_KEPT_MAX) intervals.removeFirst();
        intervals.addLast(m);
    }

    public synchronized void leaders(Map<String, String> byShard) {
        leaders = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byShard));
    }

    /** {@code result} null: no consistent snapshot this round. */
    public synchronized void audit(long atMs, Audit.Result result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("atMs", atMs);
        if (result == null) {
            m.put("outcome", "NO_SNAPSHOT");
            m.put("text", "no consistent snapshot this round (lock conflicts with the workload)");
            m.put("violations", List.of());
        } else {
            auditsRun++;
            if (!result.clean()) auditsDirty++;
            m.put("outcome", result.clean() ? "CLEAN" : "VIOLATIONS");
            m.put("text", result.toString());
            m.put("violations", result.violations().stream().map(String::valueOf).limit(EVENTS_KEPT_MAX).toList());
        }
        audit = m;
    }

    public synchronized void event(long atMs, String text) {
        if (events.size() == EVENTS_KEPT_MAX) events.removeLast();
        events.addFirst(Map.of("atMs", atMs, "text", text));
    }

    synchronized Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mix", mix);
        m.put("leaders", leaders);
        m.put("intervals", new ArrayList<>(intervals));
        m.put("audit", audit);
        m.put("auditsRun", auditsRun);
        m.put("auditsDirty", auditsDirty);
        m.put("events", new ArrayList<>(events));
        return m;
    }
}
