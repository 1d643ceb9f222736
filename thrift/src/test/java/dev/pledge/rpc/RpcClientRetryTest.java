package dev.pledge.rpc;

import dev.pledge.core.Backoff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static dev.pledge.testkit.KvCalls.put;

import dev.pledge.testkit.DedupKv;
import dev.pledge.testkit.KvCalls;
import dev.pledge.testkit.ManualTime;
import dev.pledge.testkit.ScriptedCoordinator;
import dev.pledge.testkit.TestServers;
import dev.pledge.wire.EnlistRequest;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.Kv;
import dev.pledge.wire.NotAllowed;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.TxId;
import dev.pledge.wire.Unavailable;
import dev.pledge.wire.UnknownTransaction;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.thrift.TException;
import org.apache.thrift.TMultiplexedProcessor;
import org.apache.thrift.transport.TTransportException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RpcClientRetryTest {
    private static final long SEED = 42;
    /** What {@link BackoffTest} pins for seed 42 with base 20 ms and max 1000 ms. */
    private static final List<Long> SEED_42_BACKOFF_MS = List.of(4L, 23L, 14L, 126L);
    private static final TxId TX = KvCalls.TX;

    private final ManualTime time = new ManualTime(1_000_000);
    private final DedupKv kv = new DedupKv();
    private final ScriptedCoordinator coordinator = new ScriptedCoordinator();
    private final RpcServer server = TestServers.start(new TMultiplexedProcessor(), kv, coordinator);
    private final List<RpcClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(RpcClient::close);
        server.close();
    }

    @Test
    void retriesUnavailableWithTheSeededBackoffThenRethrowsItAsIs() {
        kv.failNextWithUnavailable(100);
        RpcClient client = client(TestServers.endpoint(server), RpcClientConfig.defaults());

        assertThatThrownBy(() -> put(client, 1, 5_000)).isInstanceOf(Unavailable.class);
        assertThat(kv.invocations()).isEqualTo(5);
        assertThat(time.sleepsMs()).isEqualTo(SEED_42_BACKOFF_MS);
    }

    @Test
    void succeedsOnceTheServerIsAvailableAgain() throws TException {
        kv.failNextWithUnavailable(2);
        RpcClient client = client(TestServers.endpoint(server), RpcClientConfig.defaults());

        put(client, 1, 5_000);
        assertThat(kv.invocations()).isEqualTo(3);
        assertThat(kv.applied()).isEqualTo(1);
        assertThat(time.sleepsMs()).isEqualTo(SEED_42_BACKOFF_MS.subList(0, 2));
    }

    @Test
    void retryAfterFromTheServerIsHonouredUpToTheBackoffCap() throws TException {
        kv.failNextWithUnavailable(2, 5_000);
        RpcClient client = client(TestServers.endpoint(server), RpcClientConfig.defaults());

        put(client, 1, 60_000);
        assertThat(time.sleepsMs()).containsExactly(1_000L, 1_000L);
    }

    @Test
    void transportFailuresBecomeUnavailableWithTheCause() throws IOException {
        RpcClient client = client(refusedEndpoint(), RpcClientConfig.defaults().withBreaker(100, 1000));

        assertThatThrownBy(() -> put(client, 1, 5_000))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.kind()).isEqualTo(RpcException.Kind.UNAVAILABLE))
                .hasCauseInstanceOf(TTransportException.class);
        assertThat(time.sleepsMs()).isEqualTo(SEED_42_BACKOFF_MS);
    }

    @Test
    void neverSleepsPastTheDeadline() throws IOException {
        RpcClientConfig config = RpcClientConfig.defaults().withMaxAttempts(100).withBackoff(100, 10_000)
                .withBreaker(100, 1000).withRetryBudget(0.1, 100, 10_000);
        RpcClient client = client(refusedEndpoint(), config);
        long startMs = time.nowMs();

        assertThatThrownBy(() -> put(client, 1, 1_000))
                .isInstanceOfSatisfying(RpcException.class,
                        e -> assertThat(e.kind()).isEqualTo(RpcException.Kind.DEADLINE_EXCEEDED))
                .hasCauseInstanceOf(TTransportException.class);
        assertThat(time.nowMs() - startMs).isLessThan(1_000);
        Backoff backoff = new Backoff(100, 10_000);
        Random expected = new Random(SEED);
        List<Long> sleeps = time.sleepsMs();
        for (int i = 0; i < sleeps.size(); i++) assertThat(sleeps.get(i)).isEqualTo(backoff.delayMs(i, expected));
        // The sleep that would have crossed the deadline was drawn but not taken.
        assertThat(time.sleptMs() + backoff.delayMs(sleeps.size(), expected)).isGreaterThanOrEqualTo(1_000);
    }

    static Stream<TException> nonRetryableAnswers() {
        return Stream.of(new NotAllowed("aborted by client"), new InvalidArgument("no such participant"),
                new UnknownTransaction(TX, "never issued here"));
    }

    @ParameterizedTest
    @MethodSource("nonRetryableAnswers")
    void nonRetryableAnswersPropagateOnFirstOccurrence(TException answer) {
        coordinator.onEnlist(answer);
        RpcClient client = client(TestServers.endpoint(server), RpcClientConfig.defaults());

        assertThatThrownBy(() -> client.call(Services.COORDINATOR, new Coordinator.Client.Factory(),
                (c, remainingMs) -> c.enlist(new EnlistRequest(remainingMs, TX, "shard-a", 1)), 5_000))
                .isInstanceOf(answer.getClass());
        assertThat(coordinator.enlists).hasSize(1);
        assertThat(time.sleepsMs()).isEmpty();
        assertThat(client.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void budgetExhaustionStopsRetrying() {
        kv.failNextWithUnavailable(1_000);
        RpcClientConfig config = RpcClientConfig.defaults().withMaxAttempts(10).withRetryBudget(0.0, 2, 10_000)
                .withBreaker(100, 1000);
        RpcClient client = client(TestServers.endpoint(server), config);

        assertThatThrownBy(() -> put(client, 1, 60_000)).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.kind()).isEqualTo(RpcException.Kind.BUDGET_EXHAUSTED)).hasCauseInstanceOf(Unavailable.class);
        assertThat(kv.invocations()).isEqualTo(3);

        assertThatThrownBy(() -> put(client, 2, 60_000)).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.kind()).isEqualTo(RpcException.Kind.BUDGET_EXHAUSTED));
        assertThat(kv.invocations()).isEqualTo(4);

        time.advanceMs(10_000);
        assertThatThrownBy(() -> put(client, 3, 60_000)).isInstanceOf(RpcException.class);
        assertThat(kv.invocations()).isEqualTo(7);
    }

    @Test
    void breakerOpensFailsFastThenAProbeClosesIt() throws TException {
        kv.failNextWithUnavailable(3);
        RpcClientConfig config = RpcClientConfig.defaults().withMaxAttempts(1).withBreaker(3, 2_000);
        RpcClient client = client(TestServers.endpoint(server), config);
        for (int op = 1; op <= 3; op++) {
            int seq = op;
            assertThatThrownBy(() -> put(client, seq, 5_000)).isInstanceOf(Unavailable.class);
        }
        assertThat(client.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);

        assertThatThrownBy(() -> put(client, 4, 5_000)).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.kind()).isEqualTo(RpcException.Kind.CIRCUIT_OPEN));
        assertThat(kv.invocations()).isEqualTo(3);

        time.advanceMs(2_000);
        put(client, 5, 5_000);
        assertThat(kv.invocations()).isEqualTo(4);
        assertThat(client.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void failedProbeReopensTheBreaker() {
        kv.failNextWithUnavailable(3);
        RpcClientConfig config = RpcClientConfig.defaults().withMaxAttempts(1).withBreaker(2, 2_000);
        RpcClient client = client(TestServers.endpoint(server), config);
        assertThatThrownBy(() -> put(client, 1, 5_000)).isInstanceOf(Unavailable.class);
        assertThatThrownBy(() -> put(client, 2, 5_000)).isInstanceOf(Unavailable.class);
        time.advanceMs(2_000);

        assertThatThrownBy(() -> put(client, 3, 5_000)).isInstanceOf(Unavailable.class);
        assertThat(client.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThatThrownBy(() -> put(client, 4, 5_000)).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.kind()).isEqualTo(RpcException.Kind.CIRCUIT_OPEN));
        assertThat(kv.invocations()).isEqualTo(3);
    }

    @Test
    void aRequestLargerThanMaxFrameBytesIsRefusedBeforeSendingAndNotRetried() throws TException {
        RpcClient client = client(TestServers.endpoint(server), RpcClientConfig.defaults().withMaxFrameBytes(1024));

        assertThatThrownBy(() -> client.call(Services.KV, new Kv.Client.Factory(), (c, remainingMs) -> {
            c.put(new TxContext(TX, 1, remainingMs), ByteBuffer.wrap(new byte[] {1}), ByteBuffer.wrap(new byte[2048]));
            return null;
        }, 5_000)).isInstanceOf(FrameTooLargeException.class).hasMessageContaining("1024");
        assertThat(kv.invocations()).isZero();
        assertThat(time.sleepsMs()).isEmpty();

        put(client, 2, 5_000);
        assertThat(kv.invokedOpSeqs()).containsExactly(2L);
    }

    @Test
    void healthyConnectionsAreReusedAndBoundedByThePoolSize() throws TException {
        RpcClient client = client(TestServers.endpoint(server), RpcClientConfig.defaults().withPoolSize(1));
        put(client, 1, 5_000);
        put(client, 2, 5_000);
        assertThat(client.idleConnections()).isEqualTo(1);
    }

    private RpcClient client(Endpoint endpoint, RpcClientConfig config) {
        RpcClient client = new RpcClient(endpoint, config, time, new Random(SEED));
        clients.add(client);
        return client;
    }


    /** A loopback port nobody listens on: connecting fails at once. */
    private static Endpoint refusedEndpoint() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return new Endpoint("127.0.0.1", s.getLocalPort());
        }
    }
}
