package dev.pledge.chaos.cluster;

import dev.pledge.demo.client.Topology;
import dev.pledge.demo.launch.ClusterProbe;
import dev.pledge.demo.launch.MachineCluster;
import dev.pledge.demo.launch.NodeProcess;
import dev.pledge.demo.node.MachineLayout;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClientConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * The replicated enrollment cluster for the nemesis: three machine processes on loopback
 * ({@link MachineCluster}), each hosting a coordinator and a replica of every shard, so every
 * shard is a Raft group of the three. A fault strikes one whole machine: SIGKILL and a restart on
 * its disk, SIGSTOP and SIGCONT, or crash-stop with replacement (its data directory deleted while
 * it is down, then started empty, rejoining every group as a new member by the rule for a lost
 * disk). The test's callers reach each shard at any of its replicas, following leader hints.
 */
final class ReplicatedMachines implements ChaosCluster, AutoCloseable {
    static final int MACHINES = 3;
    private static final Duration LEADERS_WAIT_MAX = Duration.ofSeconds(90);

    private final MachineCluster machines;

    private ReplicatedMachines(MachineCluster machines) {
        this.machines = machines;
    }

    /** Starts the machines and waits until every shard has a leader. */
    static ReplicatedMachines start(Path root) {
        ReplicatedMachines cluster = new ReplicatedMachines(new MachineCluster(root, "127.0.0.1", 0, MACHINES, null));
        try {
            cluster.machines.startAll();
            cluster.awaitLeaders();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Waits until every shard's group has elected a leader that serves. */
    void awaitLeaders() {
        try (ClusterProbe probe = new ClusterProbe()) {
            await().atMost(LEADERS_WAIT_MAX).pollInterval(Duration.ofMillis(200))
                    .until(() -> !machines.leaders(probe).containsValue(null));
        }
    }

    List<String> machineNames() {
        return machines.nodeNames();
    }

    List<Endpoint> coordinators() {
        return machines.coordinators();
    }

    /** Each shard's replicas, for the client's replica sets. */
    List<List<Endpoint>> replicaSets() {
        return machines.replicaSets();
    }

    @Override
    public Topology topology() {
        return machines.topology();
    }

    @Override
    public Map<String, List<Endpoint>> participantEndpoints() {
        Map<String, List<Endpoint>> out = new LinkedHashMap<>();
        for (MachineLayout.Shard s : MachineLayout.SHARDS) out.put(s.id(), machines.replicas(s.id()));
        return out;
    }

    @Override
    public RpcClientConfig clientConfig(String name, RpcClientConfig base) {
        return machines.clientConfig(name, base);
    }

    @Override
    public String coordinatorId() {
        return machines.layout(machines.nodeNames().get(0)).coordinatorId();
    }

    @Override
    public Runnable inject(Fault f) {
        String victim = f.nodes().get(0);
        NodeProcess machine = machines.node(victim);
        return switch (f.kind()) {
            case KILL -> {
                machine.kill9();
                yield () -> machines.start(victim);
            }
            case PAUSE -> {
                machine.pause();
                yield machine::resume;
            }
            case WIPE -> {
                machine.kill9();
                yield () -> machines.restartAfterDiskLoss(victim);
            }
            default -> throw new IllegalArgumentException(f.kind() + " is not a machine fault");
        };
    }

    @Override
    public void close() {
        machines.close();
    }
}
