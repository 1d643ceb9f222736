package dev.pledge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.RpcException;
import dev.pledge.rpc.RpcServer;
import dev.pledge.rpc.Services;
import dev.pledge.testkit.LosesFirstReply;
import dev.pledge.testkit.ManualTime;
import dev.pledge.testkit.ScriptedCoordinator;
import dev.pledge.testkit.TestServers;
import dev.pledge.wire.Coordinator;
import java.util.Random;
import org.apache.thrift.TMultiplexedProcessor;
import org.junit.jupiter.api.Test;

/**
 * {@link RpcException#neverSent}, which a buffered commit relies on to move to another coordinator
 * without running its writes twice: true only if no attempt of the call got a connection.
 */
class RpcNeverSentTest {
    private static final Coordinator.Client.Factory COORDINATOR = new Coordinator.Client.Factory();

    private final ManualTime time = new ManualTime(0);

    @Test
    void aCallThatNeverConnectedWasNeverSent() {
        RpcServer server = TestServers.start(new TMultiplexedProcessor(), null, new ScriptedCoordinator());
        server.close();
        try (RpcClient rpc = new RpcClient(TestServers.endpoint(server), RpcClientConfig.defaults(), time, new Random(7))) {
            assertThatThrownBy(() -> ping(rpc)).isInstanceOfSatisfying(RpcException.class,
                    e -> assertThat(e.neverSent()).isTrue());
        }
    }

    @Test
    void aCallWhoseRepliesWereLostMayHaveBeenSent() {
        try (RpcServer server = TestServers.start(new LosesFirstReply(Integer.MAX_VALUE), null, new ScriptedCoordinator());
             RpcClient rpc = new RpcClient(TestServers.endpoint(server), RpcClientConfig.defaults(), time, new Random(7))) {
            assertThatThrownBy(() -> ping(rpc)).isInstanceOfSatisfying(RpcException.class,
                    e -> assertThat(e.neverSent()).isFalse());
        }
    }

    @Test
    void anOpenCircuitSaysNeverSentOnlyForACallThatSentNothingBeforeIt() {
        RpcClientConfig oneFailureOpens = RpcClientConfig.defaults().withBreaker(1, 10_000);
        try (RpcServer server = TestServers.start(new LosesFirstReply(Integer.MAX_VALUE), null, new ScriptedCoordinator());
             RpcClient rpc = new RpcClient(TestServers.endpoint(server), oneFailureOpens, time, new Random(7))) {
            // The first attempt is delivered and its reply lost; the circuit then refuses the retry.
            assertThatThrownBy(() -> ping(rpc)).isInstanceOfSatisfying(RpcException.class, e -> {
                assertThat(e.kind()).isEqualTo(RpcException.Kind.CIRCUIT_OPEN);
                assertThat(e.neverSent()).isFalse();
            });
            assertThatThrownBy(() -> ping(rpc)).isInstanceOfSatisfying(RpcException.class, e -> {
                assertThat(e.kind()).isEqualTo(RpcException.Kind.CIRCUIT_OPEN);
                assertThat(e.neverSent()).isTrue();
            });
        }
    }

    private static void ping(RpcClient rpc) throws Exception {
        rpc.call(Services.COORDINATOR, COORDINATOR, (c, remainingMs) -> c.ping(), 5_000);
    }
}
