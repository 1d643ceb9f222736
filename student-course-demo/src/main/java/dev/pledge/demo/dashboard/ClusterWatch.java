package dev.pledge.demo.dashboard;

import dev.pledge.demo.launch.ClusterProbe;
import dev.pledge.demo.launch.MachineCluster;
import dev.pledge.demo.node.MachineLayout;
import dev.pledge.demo.launch.ProcessCluster;
import dev.pledge.demo.launch.NodeProcess;
import dev.pledge.rpc.Wire;
import dev.pledge.runtime.Threads;
import dev.pledge.wire.InDoubtBranch;
import dev.pledge.wire.PeerView;
import dev.pledge.wire.PingResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Asks every node of the cluster, on its own thread and with short deadlines, what state it is in:
 * its process (up, down, stopped), its epoch or incarnation, its counters (Admin stats), and each
 * participant's in-doubt branches with what the coordinator and peers said. Readers get the latest
 * round at once, so a slow or frozen node never holds up the page, and never the workload.
 */
public final class ClusterWatch implements AutoCloseable {
    /** Time between two rounds of questions. */
    public static final long POLL_EVERY_MS = 1_000;
    /** Branches listed per participant; the count is always given. */
    public static final int BRANCHES_SHOWN_MAX = 20;
    /** The counters of Admin stats the page shows. */
    private static final List<String> COUNTERS_SHOWN = List.of("cooperativeTerminations", "heuristic.forced",
            "heuristic.mixed", "heuristic.mixedBranches", "tx.damaged", "locks.waits", "locks.timeouts", "locks.waitDieDeaths");

    private final ProcessCluster cluster;
    private final ClusterProbe probe;
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(r -> Threads.daemon(r, "dashboard-watch"));
    private volatile List<Map<String, Object>> nodes = List.of();

    public ClusterWatch(ProcessCluster cluster) {
        this.probe = ClusterProbe.of(cluster);
        this.cluster = cluster;
    }

    public ClusterWatch start() {
        thread.scheduleWithFixedDelay(this::round, 0, POLL_EVERY_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    /** The latest round: one entry per node. */
    List<Map<String, Object>> nodes() {
        return nodes;
    }

    /** While an operator's action on {@code name} runs, the page shows it as "restarting" rather than down. */
    void busy(String name, boolean isBusy) {
        if (isBusy) busy.add(name);
        else busy.remove(name);
    }

    private void round() {
        List<Map<String, Object>> seen = new ArrayList<>();
        for (String name : cluster.nodeNames()) {
            try {
                seen.add(node(name));
            } catch (RuntimeException e) {
                seen.add(Map.of("name", name, "state", "unknown", "error", String.valueOf(e.getMessage())));
            }
        }
        nodes = List.copyOf(seen);
    }

    private Map<String, Object> node(String name) {
        boolean coordinator = cluster.isCoordinator(name);
        NodeProcess process = cluster.node(name);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("role", cluster instanceof MachineCluster ? "machine" : coordinator ? "coordinator" : "participant");
        m.put("address", cluster.endpoint(name).toString());
        m.put("pid", process == null ? null : process.pid());
        m.put("metricsUrl", process == null ? null : process.metricsUrl());
        if (busy.contains(name)) {
            m.put("state", "restarting");
        } else if (process == null || !process.alive()) {
            m.put("state", "down");
        } else if (process.paused()) {
            m.put("state", "stopped");
        } else if (cluster instanceof MachineCluster machines) {
            askMachine(machines, name, m);
        } else {
            ask(name, coordinator, m);
        }
        return m;
    }

    /** A machine: its coordinator's epoch, and which of its shard replicas lead (their ping names an incarnation). */
    private void askMachine(MachineCluster machines, String name, Map<String, Object> m) {
        MachineLayout layout = machines.layout(name);
        try {
            PingResponse ping = probe.pingCoordinator(layout.coordinator());
            m.put("state", "up");
            m.put("nodeId", ping.getNodeId());
            m.put("epoch", ping.getEpoch());
        } catch (Exception e) {
            m.put("state", "not answering");
            m.put("error", e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        List<String> leads = new ArrayList<>();
        for (MachineLayout.Shard s : MachineLayout.SHARDS) {
            try {
                if (ClusterProbe.leads(probe.pingParticipant(layout.shard(s.id())))) leads.add(s.id());
            } catch (Exception notAnswering) {
                // A replica that does not answer leads nothing anyone can reach.
            }
        }
        m.put("leads", leads);
    }

    /** A frozen node is not asked: it would only cost the round its deadlines. */
    private void ask(String name, boolean coordinator, Map<String, Object> m) {
        var endpoint = cluster.endpoint(name);
        try {
            PingResponse ping = coordinator ? probe.pingCoordinator(endpoint) : probe.pingParticipant(endpoint);
            m.put("state", "up");
            m.put("nodeId", ping.getNodeId());
            m.put(coordinator ? "epoch" : "incarnation", ping.getEpoch());
            m.put("storageId", ping.isSetStorageId() ? ping.getStorageId() : null);
            Map<String, Long> counters = probe.stats(endpoint);
            Map<String, Long> shown = new LinkedHashMap<>();
            for (String c : COUNTERS_SHOWN) if (counters.containsKey(c)) shown.put(c, counters.get(c));
            m.put("counters", shown);
            if (!coordinator) m.put("inDoubt", branches(probe.inDoubtWithHeuristic(endpoint)));
        } catch (Exception e) {
            if (!m.containsKey("state")) m.put("state", "not answering");
            m.put("error", e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private static Map<String, Object> branches(List<InDoubtBranch> all) {
        List<Map<String, Object>> shown = new ArrayList<>();
        for (InDoubtBranch b : all.subList(0, Math.min(BRANCHES_SHOWN_MAX, all.size()))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("txId", Wire.fromWire(b.getTxId()).toString());
            m.put("ageMs", b.getPreparedAgeMs());
            m.put("state", b.isSetState() ? b.getState().name() : "PREPARED");
            m.put("coordinator", b.isSetCoordinatorView() ? b.getCoordinatorView() : null);
            List<Map<String, Object>> peers = new ArrayList<>();
            for (PeerView p : b.getPeers()) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("participant", p.getParticipantId());
                v.put("said", p.getState().name());
                v.put("error", p.isSetError() ? p.getError() : null);
                peers.add(v);
            }
            m.put("peers", peers);
            shown.add(m);
        }
        return Map.of("count", all.size(), "branches", shown);
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        probe.close();
    }
}
