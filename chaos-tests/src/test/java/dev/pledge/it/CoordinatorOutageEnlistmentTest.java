package dev.pledge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pledge.client.CommitResult;
import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.core.TxState;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.Kv;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.thrift.TException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 15, item 6: the participant's circuit breaker toward its coordinator, opened while the
 * coordinator was down, must not refuse enlistment once the coordinator answers again. The
 * breaker's cool-down here is far longer than the test, so only a call that probes through the open
 * circuit can close it; the participant serves no /health, so no ping does it either.
 */
class CoordinatorOutageEnlistmentTest {
    private static final String P = "A";
    private static final long COOL_DOWN_MS = 60_000;

    @TempDir
    Path root;

    private InJvmCluster cluster;
    private final ListAppender<ILoggingEvent> breakerLog = new ListAppender<>();
    private final Logger breakerLogger = (Logger) LoggerFactory.getLogger("dev.pledge.rpc.CircuitBreaker");

    @AfterEach
    void stop() {
        breakerLogger.detachAppender(breakerLog);
        if (cluster != null) cluster.close();
    }

    @Test
    void enlistmentWorksOnTheFirstTryOnceTheCoordinatorAnswersAgain() throws Exception {
        cluster = new InJvmCluster(root, List.of(P), c -> c)
                .withParticipantTuning(c -> c.withRpcClient(RpcClientConfig.defaults().withBreaker(5, COOL_DOWN_MS)))
                .startAll();
        breakerLog.start();
        breakerLogger.addAppender(breakerLog);
        try (PledgeClient client = PledgeClient.builder().coordinator(cluster.coordinator()).build()) {
            Transaction begunBefore = client.begin(Duration.ofSeconds(60));
            cluster.stopCoordinator();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                put(begunBefore, new AtomicInteger()); // its enlistment fails; enough of them open the breaker
                return participantBreakerOpened();
            });
        }

        cluster.startCoordinator();
        long answeredNs = firstPingAnsweredNs();
        AtomicInteger attempts = new AtomicInteger();
        try (PledgeClient client = PledgeClient.builder().coordinator(cluster.coordinator()).build();
             Transaction tx = client.begin(Duration.ofSeconds(10))) {
            assertThat(put(tx, attempts)).as("the first operation after the coordinator's return").isTrue();
            long enlistedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answeredNs);
            // The figure for the closing note; the assertion is the first try, which the breaker's
            // 60 s cool-down would refuse without the probe.
            System.out.println("enlistment worked " + enlistedAfterMs + " ms after the coordinator answered ping again");
            assertThat(attempts).as("attempts of that operation").hasValue(1);
            CommitResult r = tx.commit();
            assertThat(r.state()).isEqualTo(TxState.COMMITTED);
        }
    }

    /** True if a put of {@code tx} at the participant succeeded; counts its attempts. */
    private boolean put(Transaction tx, AtomicInteger attempts) {
        try {
            tx.call(cluster.participant(P), Services.KV, new Kv.Client.Factory(), (c, ctx) -> {
                attempts.incrementAndGet();
                c.put(ctx, ByteBuffer.wrap(new byte[] {1}), ByteBuffer.wrap(new byte[] {2}));
                return null;
            });
            return true;
        } catch (TException e) {
            return false;
        }
    }

    /** The participant's own client (on its coordinator-link threads) logged its breaker opening. */
    private boolean participantBreakerOpened() {
        synchronized (breakerLog) {
            return breakerLog.list.stream().anyMatch(e -> e.getThreadName().contains("coordinator-link")
                    && e.getFormattedMessage().contains("-> OPEN"));
        }
    }

    private long firstPingAnsweredNs() throws Exception {
        try (RpcClient ping = new RpcClient(cluster.coordinator(), RpcClientConfig.defaults().withMaxAttempts(1))) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).ignoreExceptions()
                    .until(() -> ping.call(Services.COORDINATOR, new Coordinator.Client.Factory(), (c, ms) -> c.ping(), 1_000) != null);
            return System.nanoTime();
        }
    }
}
