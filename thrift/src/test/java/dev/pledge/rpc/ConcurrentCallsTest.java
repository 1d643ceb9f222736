package dev.pledge.rpc;

import dev.pledge.runtime.Clock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.testkit.DedupKv;
import dev.pledge.testkit.KvCalls;
import dev.pledge.testkit.TestServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.thrift.TMultiplexedProcessor;
import org.junit.jupiter.api.Test;

class ConcurrentCallsTest {
    private static final int THREADS = 8;
    private static final int CALLS_PER_THREAD = 50;

    @Test
    void oneClientServesManyThreadsAndKeepsAtMostPoolSizeIdle() throws Exception {
        DedupKv kv = new DedupKv();
        try (RpcServer server = TestServers.start(new TMultiplexedProcessor(), kv, null);
             RpcClient client = new RpcClient(TestServers.endpoint(server), RpcClientConfig.defaults().withPoolSize(3),
                     Clock.system(), new Random(5))) {
            ExecutorService callers = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    long first = (long) t * CALLS_PER_THREAD;
                    done.add(callers.submit(() -> {
                        for (long op = first + 1; op <= first + CALLS_PER_THREAD; op++) KvCalls.put(client, op, 30_000);
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
            } finally {
                callers.shutdownNow();
            }
            assertThat(kv.applied()).isEqualTo(THREADS * CALLS_PER_THREAD);
            assertThat(client.idleConnections()).isBetween(1, 3);
        }
    }
}
