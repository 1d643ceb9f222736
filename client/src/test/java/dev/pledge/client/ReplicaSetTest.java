package dev.pledge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcServer;
import dev.pledge.testkit.DedupKv;
import dev.pledge.testkit.ScriptedCoordinator;
import dev.pledge.testkit.TestServers;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.thrift.TMultiplexedProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A replicated participant's replicas given to the SDK: an address of a dead replica still reaches a live one. */
class ReplicaSetTest {
    private final ScriptedCoordinator coordinator = new ScriptedCoordinator();
    private final RpcServer coordinatorServer = TestServers.start(new TMultiplexedProcessor(), null, coordinator);
    private final DedupKv kv = new DedupKv();
    private final RpcServer live = TestServers.start(new TMultiplexedProcessor(), kv, null);
    private PledgeClient client;

    @AfterEach
    void tearDown() {
        if (client != null) client.close();
        coordinatorServer.close();
        live.close();
    }

    @Test
    void aCallToADeadReplicasAddressReachesALiveReplicaOfItsSet() throws Exception {
        Endpoint dead = deadEndpoint();
        client = PledgeClient.builder().coordinator(TestServers.endpoint(coordinatorServer))
                .replicaSet(List.of(dead, TestServers.endpoint(live))).build();

        try (Transaction tx = client.begin(Duration.ofSeconds(10))) {
            tx.kv(dead).put(bytes("k"), bytes("v"));
        }

        assertThat(kv.applied()).as("the put reached the live replica").isEqualTo(1);
    }

    @Test
    void anAddressInTwoReplicaSetsIsRefused() throws Exception {
        Endpoint shared = deadEndpoint();
        PledgeClient.Builder b = PledgeClient.builder().replicaSet(List.of(shared, deadEndpoint()));

        assertThatThrownBy(() -> b.replicaSet(List.of(deadEndpoint(), shared)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(shared + " is already in replica set");
    }

    /** A loopback address nothing listens on. */
    private static Endpoint deadEndpoint() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new Endpoint(s.getInetAddress().getHostAddress(), s.getLocalPort());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
