package dev.pledge.chaos.proxy;

import dev.pledge.chaos.check.OutcomeProbe;
import dev.pledge.client.PledgeClient;
import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.runtime.CoordinatorNode;
import dev.pledge.participant.ParticipantNode;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.rpc.Endpoint;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real coordinator and two key-value participants in this JVM, over real Thrift and RocksDB,
 * with a {@link FrameProxy} on every link between them: coordinator to each participant (prepare,
 * commit, abort), each participant to the coordinator (enlist, status), and the client to each
 * participant (operations). The client talks to the coordinator directly.
 */
final class ProxiedCluster implements AutoCloseable {
    static final String A = "A";
    static final String B = "B";
    static final List<String> PARTICIPANTS = List.of(A, B);
    /** Short, so delayed replies outlive the calls that asked for them. */
    static final long PARTICIPANT_CALL_MS = 400;

    private final Map<String, FrameProxy> toParticipant = new LinkedHashMap<>();
    private final Map<String, FrameProxy> toCoordinator = new LinkedHashMap<>();
    private final Map<String, FrameProxy> clientToParticipant = new LinkedHashMap<>();
    private final Map<String, ParticipantNode> participants = new LinkedHashMap<>();
    private final List<AutoCloseable> closeInOrder = new ArrayList<>();
    private CoordinatorNode coordinator;
    private PledgeClient client;

    static ProxiedCluster start(Path root) throws IOException {
        ProxiedCluster c = new ProxiedCluster();
        try {
            c.wire(root);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void wire(Path root) throws IOException {
        AtomicReference<InetSocketAddress> coordinatorAddress = new AtomicReference<>();
        Map<String, AtomicReference<InetSocketAddress>> participantAddress = new LinkedHashMap<>();
        for (String p : PARTICIPANTS) {
            AtomicReference<InetSocketAddress> address = new AtomicReference<>();
            participantAddress.put(p, address);
            toParticipant.put(p, track(FrameProxy.start("coord-to-" + p, address::get, FaultPlan.none())));
            toCoordinator.put(p, track(FrameProxy.start(p + "-to-coord", coordinatorAddress::get, FaultPlan.none())));
            clientToParticipant.put(p, track(FrameProxy.start("client-to-" + p, address::get, FaultPlan.none())));
        }
        for (String p : PARTICIPANTS) {
            ParticipantConfig config = ParticipantConfig.defaults(p, new Endpoint("127.0.0.1", 0),
                            Files.createDirectories(root.resolve(p)), toCoordinator.get(p).endpoint())
                    .withInDoubtPollMs(50, 500);
            ParticipantNode node = new ParticipantNode(config).start();
            participants.put(p, node);
            participantAddress.get(p).set(new InetSocketAddress("127.0.0.1", node.port()));
        }
        Map<String, Endpoint> registry = new LinkedHashMap<>();
        toParticipant.forEach((p, proxy) -> registry.put(p, proxy.endpoint()));
        coordinator = CoordinatorNode.start(CoordinatorConfig.defaults("coord-1", new Endpoint("127.0.0.1", 0),
                        Files.createDirectories(root.resolve("coordinator")), registry)
                .withParticipantCallTimeoutMs(PARTICIPANT_CALL_MS)
                .withDeliveryRetryMs(20, 200)
                .withRandomSeed(7));
        coordinatorAddress.set(new InetSocketAddress("127.0.0.1", coordinator.port()));
        client = PledgeClient.builder().coordinator(new Endpoint("127.0.0.1", coordinator.port()))
                .commitGrace(Duration.ofSeconds(10)).build();
    }

    private FrameProxy track(FrameProxy p) {
        closeInOrder.add(p);
        return p;
    }

    PledgeClient client() {
        return client;
    }

    /** Where the client reaches participant {@code p} (through its proxy). */
    Endpoint participant(String p) {
        return clientToParticipant.get(p).endpoint();
    }

    /** The participant's own port, bypassing every proxy: for checks after the faults. */
    Endpoint direct(String p) {
        return new Endpoint("127.0.0.1", participants.get(p).port());
    }

    FrameProxy coordinatorTo(String p) {
        return toParticipant.get(p);
    }

    FrameProxy toCoordinatorFrom(String p) {
        return toCoordinator.get(p);
    }

    FrameProxy clientTo(String p) {
        return clientToParticipant.get(p);
    }

    List<FrameProxy> allProxies() {
        List<FrameProxy> all = new ArrayList<>();
        all.addAll(toParticipant.values());
        all.addAll(toCoordinator.values());
        all.addAll(clientToParticipant.values());
        return all;
    }

    void healAll() {
        allProxies().forEach(p -> p.plan(FaultPlan.none()));
    }

    OutcomeProbe probe() {
        Map<String, Endpoint> direct = new LinkedHashMap<>();
        for (String p : PARTICIPANTS) direct.put(p, direct(p));
        return new OutcomeProbe(client, direct);
    }

    @Override
    public void close() {
        if (client != null) client.close();
        if (coordinator != null) coordinator.close();
        participants.values().forEach(ParticipantNode::close);
        for (AutoCloseable c : closeInOrder) {
            try {
                c.close();
            } catch (Exception e) {
                // Closing a proxy cannot fail in a way that matters to the next test.
            }
        }
    }
}
