package dev.pledge.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.testkit.DedupKv;
import dev.pledge.testkit.KvCalls;
import dev.pledge.testkit.ManualTime;
import dev.pledge.testkit.TestServers;
import dev.pledge.wire.Kv;
import dev.pledge.wire.KvGetResponse;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.Unavailable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.thrift.TMultiplexedProcessor;
import org.junit.jupiter.api.Test;

/** Chaos tests kill and restart nodes; a client must not spend its attempts on dead pooled connections. */
class ServerRestartTest {
    private static final int POOLED = 4;

    @Test
    void aRestartedServerIsReachedOnTheNextAttemptDespiteStalePooledConnections() throws Exception {
        RpcServer first = TestServers.start(new TMultiplexedProcessor(), new MeetingKv(POOLED), null);
        int port = first.port();
        RpcClientConfig twoAttempts = RpcClientConfig.defaults().withPoolSize(POOLED).withMaxAttempts(2);
        try (RpcClient client = new RpcClient(TestServers.endpoint(first), twoAttempts, new ManualTime(0), new Random(3))) {
            fillThePool(client);
            assertThat(client.idleConnections()).isEqualTo(POOLED);

            first.close();
            DedupKv kv = new DedupKv();
            RpcServerConfig samePort = TestServers.loopback().withPort(port);
            TMultiplexedProcessor processor = new TMultiplexedProcessor();
            processor.registerProcessor(Services.KV, new Kv.Processor<>(kv));
            try (RpcServer second = RpcServer.start(samePort, processor)) {
                assertThat(second.port()).isEqualTo(port);
                KvCalls.put(client, 100, 5_000);
                assertThat(kv.invokedOpSeqs()).containsExactly(100L);
                assertThat(client.idleConnections()).isEqualTo(1);
            }
        }
    }

    /** Holds POOLED calls in flight at once, so the client opens that many connections. */
    private static void fillThePool(RpcClient client) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(POOLED);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 1; i <= POOLED; i++) {
                long opSeq = i;
                calls.add(callers.submit(() -> {
                    KvCalls.put(client, opSeq, 30_000);
                    return null;
                }));
            }
            for (Future<?> f : calls) f.get(30, TimeUnit.SECONDS);
        } finally {
            callers.shutdownNow();
        }
    }

    /** A Kv whose puts wait until {@code n} of them are in flight together. */
    private static final class MeetingKv implements Kv.Iface {
        private final CountDownLatch arrived;

        MeetingKv(int n) {
            this.arrived = new CountDownLatch(n);
        }

        @Override
        public void put(TxContext ctx, ByteBuffer key, ByteBuffer value) throws Unavailable {
            arrived.countDown();
            try {
                if (!arrived.await(20, TimeUnit.SECONDS)) throw new Unavailable("test: the others never came");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unavailable("test: interrupted");
            }
        }

        @Override
        public KvGetResponse get(TxContext ctx, ByteBuffer key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void remove(TxContext ctx, ByteBuffer key) {
            throw new UnsupportedOperationException();
        }
    }
}
