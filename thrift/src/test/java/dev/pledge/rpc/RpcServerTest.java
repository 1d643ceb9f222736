package dev.pledge.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pledge.testkit.DedupKv;
import dev.pledge.testkit.KvCalls;
import dev.pledge.testkit.ManualTime;
import dev.pledge.testkit.TestServers;
import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.util.Random;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TException;
import org.apache.thrift.TMultiplexedProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RpcServerTest {
    private final DedupKv kv = new DedupKv();
    private final RpcServer server = TestServers.start(new TMultiplexedProcessor(), kv, null);
    private final ManualTime time = new ManualTime(0);
    private final RpcClient client = new RpcClient(TestServers.endpoint(server), RpcClientConfig.defaults(), time,
            new Random(1));

    @AfterEach
    void tearDown() {
        client.close();
        server.close();
    }

    @Test
    void anUnknownServiceGetsAClearErrorThatIsNotRetried() throws TException {
        assertThatThrownBy(() -> put("NoSuchService", 1)).isInstanceOfSatisfying(TApplicationException.class,
                e -> assertThat(e.getType()).isEqualTo(TApplicationException.UNKNOWN_METHOD))
                .hasMessageContaining("NoSuchService");
        assertThat(time.sleepsMs()).isEmpty();

        put(Services.KV, 2);
        assertThat(kv.invokedOpSeqs()).containsExactly(2L);
    }

    @Test
    void aPortInUseIsReportedClearly() {
        RpcServerConfig taken = TestServers.loopback().withPort(server.port());
        assertThatThrownBy(() -> RpcServer.start(taken, new TMultiplexedProcessor()))
                .isInstanceOf(BindException.class)
                .hasMessageContaining(String.valueOf(server.port()))
                .hasMessageContaining("already in use");
    }

    @Test
    void closeStopsAcceptingAndClosesOpenConnections() throws TException, IOException {
        put(Services.KV, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 1);

        server.close();

        assertThat(server.openConnections()).isZero();
        RpcClientConfig once = RpcClientConfig.defaults().withMaxAttempts(1);
        try (RpcClient fresh = new RpcClient(TestServers.endpoint(server), once, time, new Random(2))) {
            assertThatThrownBy(() -> KvCalls.put(fresh, 2, 5_000)).isInstanceOfSatisfying(RpcException.class,
                    e -> assertThat(e.kind()).isEqualTo(RpcException.Kind.UNAVAILABLE));
        }
    }

    @Test
    void closeRightAfterStartStopsTheAcceptThread() throws IOException {
        for (int i = 0; i < 20; i++) {
            RpcServer quick = RpcServer.start(TestServers.loopback(), new TMultiplexedProcessor());
            quick.close();
            assertThat(quick.isAccepting()).isFalse();
        }
    }

    private void put(String service, long opSeq) throws TException {
        KvCalls.put(client, service, opSeq, 5_000);
    }
}
