package dev.pledge.it;

import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.runtime.CoordinatorNode;
import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.participant.ParticipantNode;
import dev.pledge.participant.app.PrepareValidator;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.rpc.Endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A real coordinator and real participants in this JVM: real Thrift over loopback sockets and
 * real RocksDB directories, for integration tests that need no process boundary (public for the
 * XA suite in dev.pledge.xa).
 */
public final class InJvmCluster implements AutoCloseable {
    public static final String COORDINATOR_ID = "coord-1";

    private final Path root;
    private final Endpoint coordinatorAddress = new Endpoint("127.0.0.1", LocalCluster.freePort("127.0.0.1"));
    private final Map<String, Endpoint> participants = new LinkedHashMap<>();
    private final Map<String, ParticipantNode> running = new LinkedHashMap<>();
    private final Map<String, InJvmShard> shards = new LinkedHashMap<>();
    private final UnaryOperator<CoordinatorConfig> coordinatorTuning;
    private UnaryOperator<ParticipantConfig> participantTuning = c -> c;
    private CoordinatorNode coordinator;

    public InJvmCluster(Path root, List<String> participantIds, UnaryOperator<CoordinatorConfig> coordinatorTuning) {
        this.root = root;
        this.coordinatorTuning = coordinatorTuning;
        for (String id : participantIds) participants.put(id, new Endpoint("127.0.0.1", LocalCluster.freePort("127.0.0.1")));
    }

    /** Runs the participant {@code shard.id()} as that replicated shard instead of one node. Before any start. */
    public InJvmCluster withReplicatedShard(InJvmShard shard) {
        participants.put(shard.id(), shard.endpoints().get(0));
        shards.put(shard.id(), shard);
        return this;
    }

    /** Applied to every participant's configuration from the next start on. */
    public InJvmCluster withParticipantTuning(UnaryOperator<ParticipantConfig> tuning) {
        this.participantTuning = tuning;
        return this;
    }

    public InJvmCluster startCoordinator() throws IOException {
        if (coordinator != null) coordinator.close();
        CoordinatorConfig config = CoordinatorConfig.defaults(COORDINATOR_ID, coordinatorAddress, dir("coordinator"), participants);
        for (InJvmShard shard : shards.values()) config = config.withParticipantReplicas(shard.id(), shard.endpoints());
        coordinator = CoordinatorNode.start(coordinatorTuning.apply(config));
        return this;
    }

    public InJvmCluster startParticipant(String id, PrepareValidator validator) throws IOException {
        return startParticipant(id, validator, node -> node);
    }

    /** As {@link #startParticipant(String, PrepareValidator)}; {@code services} adds application services to the node. */
    public InJvmCluster startParticipant(String id, PrepareValidator validator, UnaryOperator<ParticipantNode> services)
            throws IOException {
        ParticipantNode old = running.remove(id);
        if (old != null) old.close();
        Map<String, Endpoint> peers = new LinkedHashMap<>(participants);
        peers.remove(id);
        ParticipantConfig config = ParticipantConfig.defaults(id, participants.get(id), dir(id), coordinatorAddress)
                .withCoordinatorId(COORDINATOR_ID)
                .withPeers(peers);
        InJvmShard shard = shards.get(id);
        if (shard != null) {
            for (String replica : shard.replicaIds()) shard.start(replica, participantTuning.apply(config), dir(id + "/" + replica));
            return this;
        }
        running.put(id, services.apply(new ParticipantNode(participantTuning.apply(config)).withValidator(validator)).start());
        return this;
    }

    public InJvmCluster startAll() throws IOException {
        startCoordinator();
        for (String id : participants.keySet()) startParticipant(id, PrepareValidator.ACCEPT_ALL);
        return this;
    }

    public Endpoint coordinator() {
        return coordinatorAddress;
    }

    public Endpoint participant(String id) {
        return participants.get(id);
    }

    public CoordinatorNode coordinatorNode() {
        return coordinator;
    }

    public void stopCoordinator() {
        coordinator.close();
        coordinator = null;
    }

    private Path dir(String name) {
        try {
            return Files.createDirectories(root.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        running.values().forEach(ParticipantNode::close);
        running.clear();
        shards.values().forEach(InJvmShard::close);
        if (coordinator != null) coordinator.close();
    }
}
