package dev.pledge.demo.node;

import dev.pledge.demo.launch.DemoCluster;
import dev.pledge.rpc.Endpoint;

import java.util.List;

/**
 * Where one demo machine serves, counted from its base port: its Raft server (every shard's group),
 * then its coordinator, then its replica of each shard in {@link #SHARDS} order, then its HTTP
 * {@code /metrics} and {@code /health}. A machine is named
 * to every other one by its id and base address alone ({@code --machine m1=127.0.0.1:7710}).
 */
public record MachineLayout(String machineId, Endpoint base) {
    /** A shard of the demo: its participant id and the role its node plays (a student shard's index among them). */
    public record Shard(String id, String role, int index) {
        /** The demo node's own flags for this shard's role. */
        public List<String> roleArgs() {
            return List.of("--role", role, "--shard", Integer.toString(index), "--shards", Integer.toString(STUDENT_SHARDS));
        }
    }

    public static final int STUDENT_SHARDS = 2;
    public static final List<Shard> SHARDS = List.of(
            new Shard(DemoCluster.STUDENT_A, DemoNodeMain.STUDENT, 0),
            new Shard(DemoCluster.STUDENT_B, DemoNodeMain.STUDENT, 1),
            new Shard(DemoCluster.COURSE_C, DemoNodeMain.COURSE, 0));
    /** The demo shard {@code shardId}. */
    public static Shard shardNamed(String shardId) {
        for (Shard s : SHARDS) if (s.id().equals(shardId)) return s;
        throw new IllegalArgumentException("no shard " + shardId + " on a demo machine (shards: " + SHARDS.stream().map(Shard::id).toList() + ")");
    }

    private static final int RAFT_OFFSET = 0;
    private static final int COORDINATOR_OFFSET = 1;
    private static final int FIRST_SHARD_OFFSET = 2;
    private static final int METRICS_OFFSET = FIRST_SHARD_OFFSET + SHARDS.size();
    /** Consecutive ports a machine takes from its base. */
    public static final int PORTS = METRICS_OFFSET + 1;
    private static final int PORT_MAX = 65_535;

    public MachineLayout {
        if (base.port() < 1 || base.port() + PORTS - 1 > PORT_MAX) {
            throw new IllegalArgumentException("machine " + machineId + ": base port must be in [1, " + (PORT_MAX - PORTS + 1)
                    + "] (it takes " + PORTS + " ports), was " + base.port());
        }
    }

    public Endpoint raft() {
        return at(RAFT_OFFSET);
    }

    public Endpoint coordinator() {
        return at(COORDINATOR_OFFSET);
    }

    /** Where this machine's replica of {@code shardId} serves Thrift. */
    public Endpoint shard(String shardId) {
        return at(FIRST_SHARD_OFFSET + SHARDS.indexOf(shardNamed(shardId)));
    }

    /** Where this machine serves /metrics (Prometheus text) and /health over HTTP. */
    public Endpoint metrics() {
        return at(METRICS_OFFSET);
    }

    /** The node id of this machine's coordinator. */
    public String coordinatorId() {
        return "coord-" + machineId;
    }

    private Endpoint at(int offset) {
        return new Endpoint(base.host(), base.port() + offset);
    }
}
