package dev.pledge.it;

import dev.pledge.client.PledgeClient;
import dev.pledge.demo.launch.LocalCluster;

import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The process cluster of the replicated-shard tests: A as one process, C as three replica processes,
 * a coordinator; a client of the coordinator, and pings of C's replicas.
 */
record ReplicatedKvCluster(LocalCluster cluster, PledgeClient client, ReplicaPings replicas) implements AutoCloseable {
    /** Starts it under {@code root}, with {@code configure} applied to the cluster before it starts. */
    static ReplicatedKvCluster start(Path root, UnaryOperator<LocalCluster> configure) {
        LocalCluster cluster = configure.apply(LocalCluster.kv(root, List.of("A", "C")).withReplicas("C", 3));
        try {
            cluster.startAll();
            return new ReplicatedKvCluster(cluster, PledgeClient.builder().coordinator(cluster.coordinator()).build(),
                    new ReplicaPings(cluster, "C"));
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    @Override
    public void close() {
        replicas.close();
        client.close();
        cluster.close();
    }
}
