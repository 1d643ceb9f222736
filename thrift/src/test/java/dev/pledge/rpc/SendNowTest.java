package dev.pledge.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pledge.testkit.DedupKv;
import dev.pledge.testkit.KvCalls;
import dev.pledge.testkit.ManualTime;
import dev.pledge.testkit.TestServers;
import dev.pledge.wire.Kv;
import dev.pledge.wire.TxContext;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import org.apache.thrift.TException;
import org.apache.thrift.TMultiplexedProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A request written on the caller's thread and answered on another ({@link RpcClient#sendNow}). */
class SendNowTest {
    private final ManualTime time = new ManualTime(1_000_000);
    private final DedupKv kv = new DedupKv();
    private RpcServer server = TestServers.start(new TMultiplexedProcessor(), kv, null);
    private RpcClient client;

    @AfterEach
    void tearDown() {
        if (client != null) client.close();
        server.close();
    }

    @Test
    void withNoIdleConnectionNothingIsSentOrOpened() {
        client = client(RpcClientConfig.defaults());

        assertThat(client.sendNow(Services.KV, new Kv.Client.Factory(), put(1), 5_000)).isNull();
        assertThat(kv.invocations()).isZero();
        assertThat(client.idleConnections()).isZero();
    }

    @Test
    void theRequestIsServedBeforeAnyoneReadsItsAnswer() throws TException {
        client = client(RpcClientConfig.defaults());
        KvCalls.put(client, 1, 5_000);

        RpcClient.Sent<Void> sent = client.sendNow(Services.KV, new Kv.Client.Factory(), put(2), 5_000);
        assertThat(sent).isNotNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> kv.invokedOpSeqs().contains(2L));

        sent.receive();
        assertThat(kv.invokedOpSeqs()).containsExactly(1L, 2L);
        assertThat(client.idleConnections()).as("the connection went back to the pool").isEqualTo(1);
    }

    @Test
    void anOpenCircuitSendsNothing() {
        kv.failNextWithUnavailable(3);
        client = client(RpcClientConfig.defaults().withMaxAttempts(1).withBreaker(3, 2_000));
        for (int op = 1; op <= 3; op++) {
            long seq = op;
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> KvCalls.put(client, seq, 5_000));
        }
        assertThat(client.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(client.idleConnections()).isEqualTo(1);

        assertThat(client.sendNow(Services.KV, new Kv.Client.Factory(), put(4), 5_000)).isNull();
        assertThat(kv.invocations()).isEqualTo(3);
    }

    @Test
    void aRequestWrittenIntoAConnectionTheServerDroppedIsMadeAgainOnAFreshOne() throws Exception {
        client = client(RpcClientConfig.defaults());
        KvCalls.put(client, 1, 5_000);
        int port = server.port();
        server.close();
        DedupKv restarted = new DedupKv();
        TMultiplexedProcessor processor = new TMultiplexedProcessor();
        processor.registerProcessor(Services.KV, new Kv.Processor<>(restarted));
        server = RpcServer.start(TestServers.loopback().withPort(port), processor);

        RpcClient.Sent<Void> sent = client.sendNow(Services.KV, new Kv.Client.Factory(), put(2), 5_000);
        assertThat(sent).as("a pooled connection was idle").isNotNull();
        sent.receive();
        assertThat(restarted.invokedOpSeqs()).containsExactly(2L);
    }

    private RpcClient client(RpcClientConfig config) {
        return new RpcClient(TestServers.endpoint(server), config, time, new Random(7));
    }

    /** One put of one byte, as operation {@code opSeq} of {@link KvCalls#TX}, in two halves. */
    private static SplitCall<Kv.Client, Void> put(long opSeq) {
        return new SplitCall<>() {
            @Override
            public void send(Kv.Client c, long remainingMs) throws TException {
                c.send_put(new TxContext(KvCalls.TX, opSeq, remainingMs), ByteBuffer.wrap(new byte[] {1}),
                        ByteBuffer.wrap(new byte[] {2}));
            }

            @Override
            public Void receive(Kv.Client c) throws TException {
                c.recv_put();
                return null;
            }
        };
    }
}
