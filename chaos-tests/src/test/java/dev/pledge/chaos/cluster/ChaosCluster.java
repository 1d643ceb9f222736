package dev.pledge.chaos.cluster;

import dev.pledge.demo.client.Topology;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClientConfig;

import java.util.List;
import java.util.Map;

/**
 * The enrollment cluster as the checker and the nemesis see it, whatever runs it: one container per
 * node ({@link EnrollmentContainers}), or machines each hosting a replica of every shard.
 * Participant ids are the demo's (student-a, student-b, course-c).
 */
interface ChaosCluster {
    /** Where the workload's client finds the coordinator and each shard. */
    Topology topology();

    /**
     * Every participant id with the endpoints that serve it: one, or each replica of a replicated
     * shard, of which only the leader answers (the others refuse with a leader hint).
     */
    Map<String, List<Endpoint>> participantEndpoints();

    /** {@code base} as a caller presenting {@code name}'s identity uses it (TLS certificates, if any). */
    RpcClientConfig clientConfig(String name, RpcClientConfig base);

    /** The node id of a coordinator, whose identity the checker borrows to ask participants for their branch states. */
    String coordinatorId();

    /** Injects {@code fault} and returns what undoes it (the nemesis runs that after the fault's duration). */
    Runnable inject(Fault fault);

    /** The participant id of the shard holding {@code studentId} (ids modulo two, as the demo shards them). */
    static String shardOf(int studentId) {
        return Math.floorMod(studentId, 2) == 0 ? EnrollmentContainers.STUDENT_A : EnrollmentContainers.STUDENT_B;
    }
}
