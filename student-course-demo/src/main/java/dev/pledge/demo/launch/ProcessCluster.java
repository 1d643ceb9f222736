package dev.pledge.demo.launch;

import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClientConfig;

import java.util.List;

/**
 * A cluster of node processes the demo launched, as its dashboard and chaos act on them: by name,
 * each one started, killed, frozen and restarted on its disk. Nodes are coordinators and
 * participants ({@link LocalCluster}), or machines hosting both ({@link MachineCluster}).
 */
public interface ProcessCluster extends AutoCloseable {
    List<String> nodeNames();

    /** The running process of {@code name}, or null if it was never started. */
    NodeProcess node(String name);

    /** Starts (or restarts) {@code name} on its data directory. */
    NodeProcess start(String name);

    void startAll();

    boolean isCoordinator(String name);

    /** The address a node is known by: a coordinator's or participant's, or a machine's Raft address. */
    Endpoint endpoint(String name);

    /** {@code base} as a caller presenting the certificate of {@code name} uses it (unchanged without TLS). */
    RpcClientConfig clientConfig(String name, RpcClientConfig base);

    @Override
    void close();
}
