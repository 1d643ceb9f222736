package dev.pledge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.core.TxId;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.RpcServer;
import dev.pledge.testkit.ManualTime;
import dev.pledge.testkit.ScriptedCoordinator;
import dev.pledge.testkit.TestServers;
import dev.pledge.wire.AbortReason;
import dev.pledge.wire.TxState;
import dev.pledge.wire.Unavailable;
import dev.pledge.wire.WriteTransaction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.thrift.TMultiplexedProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** commitAsync: the blocking commit's outcomes as futures, many in flight from one thread on a few SDK threads. */
class AsyncCommitTest {
    private static final Duration TX_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration GRACE = Duration.ofSeconds(1);
    private static final int ASYNC_THREADS = 4;
    /** TestServers.loopback(): the coordinator's server may start this many threads for the held calls. */
    private static final int SERVER_WORKERS_MAX = 16;

    private final ManualTime time = new ManualTime(0);
    private final GatedCoordinator coordinator = new GatedCoordinator();
    private final RpcServer coordinatorServer = TestServers.start(new TMultiplexedProcessor(), null, coordinator);
    private final List<PledgeClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown() {
        coordinator.open();
        clients.forEach(PledgeClient::close);
        coordinatorServer.close();
    }

    private PledgeClient client(int asyncCommitsMax) {
        PledgeClient client = PledgeClient.builder()
                .coordinator(TestServers.endpoint(coordinatorServer))
                .rpcConfig(RpcClientConfig.defaults())
                .timeSource(time)
                .random(new Random(7))
                .commitGrace(GRACE)
                .asyncThreads(ASYNC_THREADS)
                .asyncCommitsMax(asyncCommitsMax)
                .build();
        clients.add(client);
        return client;
    }

    @Test
    void commitAsyncCompletesWithCommitted() throws Exception {
        coordinator.script.onCommit(ScriptedCoordinator.outcome(TxState.COMMITTED));
        Transaction tx = client(10).begin(TX_TIMEOUT);

        CommitResult result = tx.commitAsync().get(10, TimeUnit.SECONDS);

        assertThat(result.committed()).isTrue();
        assertThat(coordinator.script.commits).hasSize(1);
    }

    @Test
    void commitAsyncCompletesWithAbortedAndTheReason() throws Exception {
        coordinator.script.onCommit(ScriptedCoordinator.aborted(AbortReason.VALIDATION_FAILED, "course-c voted NO: course full"));
        Transaction tx = client(10).begin(TX_TIMEOUT);

        CommitResult result = tx.commitAsync().get(10, TimeUnit.SECONDS);

        assertThat(result.state()).isEqualTo(dev.pledge.core.TxState.ABORTED);
        assertThat(result.reason()).contains(dev.pledge.core.AbortReason.VALIDATION_FAILED);
        assertThat(result.message()).isEqualTo("course-c voted NO: course full");
    }

    @Test
    void bufferedCommitAsyncCompletesWithTheCoordinatorsOutcome() throws Exception {
        PledgeClient client = client(10);
        assertThat(write(client, "k").commitAsync().get(10, TimeUnit.SECONDS).committed()).isTrue();

        coordinator.answerWrites(ScriptedCoordinator.aborted(AbortReason.LOCK_TIMEOUT, "shard-a: k is locked"));
        CommitResult aborted = write(client, "k").commitAsync().get(10, TimeUnit.SECONDS);
        assertThat(aborted.reason()).contains(dev.pledge.core.AbortReason.LOCK_TIMEOUT);
    }

    @Test
    void commitAsyncRetriesThroughUnavailableAsCommitDoes() throws Exception {
        coordinator.script.onCommit(new Unavailable("starting"), new Unavailable("starting"),
                ScriptedCoordinator.outcome(TxState.COMMITTED));
        Transaction tx = client(10).begin(TX_TIMEOUT);

        assertThat(tx.commitAsync().get(10, TimeUnit.SECONDS).committed()).isTrue();
        assertThat(coordinator.script.commits).hasSize(3);
    }

    @Test
    void bufferedCommitAsyncRetriesPastTheRpcRetriesWithTheSameRequestKey() throws Exception {
        int refusals = RpcClientConfig.defaults().maxAttempts() + 2; // more than one round's worth of rpc attempts
        coordinator.refuseWrites(refusals);

        CommitResult result = write(client(10), "k").commitAsync().get(10, TimeUnit.SECONDS);

        assertThat(result.committed()).isTrue();
        assertThat(coordinator.commitWrites).hasSize(refusals + 1)
                .extracting(t -> t.bufferForRequestKey()).containsOnly(coordinator.commitWrites.get(0).bufferForRequestKey());
        assertThat(coordinator.commitWrites.subList(1, refusals + 1)).allMatch(WriteTransaction::isResend);
    }

    @Test
    void undecidedPastDeadlinePlusGraceCompletesExceptionallyInDoubtWithTheTxId() throws Exception {
        coordinator.script.onCommit(ScriptedCoordinator.outcome(TxState.PREPARING));
        coordinator.script.onStatus(ScriptedCoordinator.status(TxState.PREPARING));
        long startMs = time.nowMs();
        Transaction tx = client(10).begin(TX_TIMEOUT);
        TxId id = tx.id();

        CompletableFuture<CommitResult> commit = tx.commitAsync();

        assertThatThrownBy(() -> commit.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(InDoubtException.class, e -> assertThat(e.txId()).isEqualTo(id));
        assertThat(coordinator.script.statuses).as("it polled status before giving up").hasSizeGreaterThan(1);
        assertThat(time.nowMs()).as("never waits past deadline + grace")
                .isLessThan(startMs + TX_TIMEOUT.toMillis() + GRACE.toMillis());
    }

    @Test
    void bufferedCommitThatStaysUndecidedIsInDoubt() {
        coordinator.answerWrites(ScriptedCoordinator.outcome(TxState.PREPARING));
        CompletableFuture<CommitResult> commit = write(client(10), "k").commitAsync();

        assertThatThrownBy(() -> commit.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InDoubtException.class);
        assertThat(coordinator.commitWrites).as("retried with the same request key").hasSizeGreaterThan(1)
                .extracting(t -> t.bufferForRequestKey()).containsOnly(coordinator.commitWrites.get(0).bufferForRequestKey());
    }

    @Test
    void twoHundredBufferedCommitsFromOneThreadNeedOnlyTheSdksFewThreadsAndFewCalls() throws Exception {
        PledgeClient client = client(1_000);
        int threadsBefore = Thread.getAllStackTraces().size();
        coordinator.close();
        List<CompletableFuture<CommitResult>> commits = new ArrayList<>();
        for (int i = 0; i < 200; i++) commits.add(write(client, "k" + i).commitAsync());

        assertThat(client.async().inFlight()).isEqualTo(200);
        assertThat(sdkThreads(client)).as("threads of the SDK while 200 commits are in flight")
                .isBetween(1, ASYNC_THREADS + 1);
        assertThat(Thread.getAllStackTraces().size() - threadsBefore).as("new threads in this JVM, the server's included")
                .isLessThanOrEqualTo(ASYNC_THREADS + 1 + SERVER_WORKERS_MAX);
        coordinator.open();
        CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

        assertThat(commits).allMatch(c -> c.join().committed());
        assertThat(coordinator.commitWrites).hasSize(200);
        assertThat(coordinator.commitWritesCalls).as("concurrent commits go together").hasSizeLessThanOrEqualTo(20);
        assertThat(sdkThreads(client)).isLessThanOrEqualTo(ASYNC_THREADS + 1);
    }

    @Test
    void pastTheLimitACommitFailsAtOnceUnsentAndMayBeCommittedAgain() throws Exception {
        PledgeClient client = client(3);
        coordinator.close();
        List<CompletableFuture<CommitResult>> commits = new ArrayList<>();
        for (int i = 0; i < 3; i++) commits.add(write(client, "k" + i).commitAsync());
        BufferedTransaction fourth = write(client, "k3");

        CompletableFuture<CommitResult> refused = fourth.commitAsync();

        assertThat(refused).isCompletedExceptionally();
        assertThatThrownBy(refused::join).cause().isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("asyncCommitsMax");
        coordinator.open();
        for (CompletableFuture<CommitResult> c : commits) assertThat(c.get(10, TimeUnit.SECONDS).committed()).isTrue();
        assertThat(fourth.commitAsync().get(10, TimeUnit.SECONDS).committed()).isTrue();
        assertThat(coordinator.commitWrites).hasSize(4);
    }

    @Test
    void closingTheClientLeavesNoCommitWaitingItIsInDoubt() throws Exception {
        PledgeClient client = client(10);
        coordinator.close();
        CompletableFuture<CommitResult> commit = write(client, "k").commitAsync();

        client.close();

        assertThatThrownBy(() -> commit.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InDoubtException.class);
    }

    private static BufferedTransaction write(PledgeClient client, String key) {
        return client.beginBuffered(TX_TIMEOUT).put("shard-a", bytes(key), bytes("v"));
    }

    /** Threads of {@code client}'s SDK (not the test's, the server's or the socket pool's). */
    private static int sdkThreads(PledgeClient client) {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(client.async().threadPrefix)).count();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
