package dev.pledge.it;

import dev.pledge.rpc.Endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A coordinator and N key-value participants, each its own OS process with its own RocksDB
 * directory under {@code root}. Ports are chosen once, so a node restarted after SIGKILL comes
 * back at the address the others know it by.
 */
final class ProcessCluster implements AutoCloseable {
    static final String COORDINATOR_MAIN = "dev.pledge.coordinator.runtime.CoordinatorMain";
    static final String PARTICIPANT_MAIN = "dev.pledge.participant.runtime.ParticipantMain";
    static final String COORDINATOR_ID = "coord-1";

    private final Path root;
    private final Endpoint coordinator;
    private final Map<String, Endpoint> participants = new LinkedHashMap<>();
    private final Map<String, NodeProcess> running = new LinkedHashMap<>();

    ProcessCluster(Path root, List<String> participantIds) {
        this.root = root;
        this.coordinator = new Endpoint("127.0.0.1", freePort());
        for (String id : participantIds) participants.put(id, new Endpoint("127.0.0.1", freePort()));
    }

    Endpoint coordinator() {
        return coordinator;
    }

    Endpoint participant(String id) {
        return participants.get(id);
    }

    NodeProcess startCoordinator(String... failpoints) {
        List<String> args = new ArrayList<>(List.of(
                "--node-id", COORDINATOR_ID,
                "--listen", coordinator.toString(),
                "--data-dir", dir("coordinator").toString()));
        participants.forEach((id, ep) -> args.addAll(List.of("--participant", id + "=" + ep)));
        return start("coordinator", COORDINATOR_MAIN, failpoints, args);
    }

    NodeProcess startParticipant(String id, String... failpoints) {
        List<String> args = List.of(
                "--id", id,
                "--listen", participants.get(id).toString(),
                "--data-dir", dir(id).toString(),
                "--coordinator", coordinator.toString(),
                "--coordinator-id", COORDINATOR_ID);
        return start(id, PARTICIPANT_MAIN, failpoints, args);
    }

    void startAll() {
        startCoordinator();
        participants.keySet().forEach(this::startParticipant);
    }

    NodeProcess node(String name) {
        return running.get(name);
    }

    private NodeProcess start(String name, String mainClass, String[] failpoints, List<String> args) {
        NodeProcess old = running.remove(name);
        if (old != null) old.close();
        List<String> props = failpoints.length == 0 ? List.of()
                : List.of("-Dpledge.failpoints=" + String.join(",", failpoints));
        NodeProcess node = NodeProcess.start(name, mainClass, props, args, root.resolve(name + ".log"));
        running.put(name, node);
        return node;
    }

    private Path dir(String name) {
        try {
            return Files.createDirectories(root.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Log output of every node, for failure messages. */
    String outputs() {
        StringBuilder sb = new StringBuilder();
        running.forEach((name, node) -> sb.append("=== ").append(name).append('\n').append(node.output()).append('\n'));
        return sb.toString();
    }

    @Override
    public void close() {
        running.values().forEach(NodeProcess::close);
        running.clear();
    }
}
