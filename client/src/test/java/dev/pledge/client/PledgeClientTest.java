package dev.pledge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.core.TxId;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.RpcServer;
import dev.pledge.rpc.Wire;
import dev.pledge.testkit.DedupKv;
import dev.pledge.testkit.LosesFirstReply;
import dev.pledge.testkit.ManualTime;
import dev.pledge.testkit.ScriptedCoordinator;
import dev.pledge.testkit.TestServers;
import dev.pledge.wire.AbortReason;
import dev.pledge.wire.NotAllowed;
import dev.pledge.wire.TxState;
import dev.pledge.wire.Unavailable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.apache.thrift.TMultiplexedProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PledgeClientTest {
    private static final Duration TX_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration GRACE = Duration.ofSeconds(1);

    private final ManualTime time = new ManualTime(0);
    private final ScriptedCoordinator coordinator = new ScriptedCoordinator();
    private final RpcServer coordinatorServer = TestServers.start(new TMultiplexedProcessor(), null, coordinator);
    private final DedupKv kv = new DedupKv();
    private final RpcServer participantServer = TestServers.start(new LosesFirstReply(1), kv, null);
    private final PledgeClient client = PledgeClient.builder()
            .coordinator(TestServers.endpoint(coordinatorServer))
            .rpcConfig(RpcClientConfig.defaults())
            .timeSource(time)
            .random(new Random(7))
            .commitGrace(GRACE)
            .build();

    @AfterEach
    void tearDown() {
        client.close();
        coordinatorServer.close();
        participantServer.close();
    }

    @Test
    void commitReturnsCommitted() throws Exception {
        coordinator.onCommit(ScriptedCoordinator.outcome(TxState.COMMITTED));
        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            CommitResult result = tx.commit();

            assertThat(result.committed()).isTrue();
            assertThat(result.reason()).isEmpty();
            assertThat(Wire.fromWire(coordinator.commits.get(0).getTxId())).isEqualTo(tx.id());
        }
        assertThat(coordinator.aborts).as("a committed transaction is not aborted on close").isEmpty();
    }

    @Test
    void commitReturnsAbortedWithTheReasonAndMessage() throws Exception {
        coordinator.onCommit(ScriptedCoordinator.aborted(AbortReason.VALIDATION_FAILED, "course-c voted NO: course full"));
        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            CommitResult result = tx.commit();

            assertThat(result.state()).isEqualTo(dev.pledge.core.TxState.ABORTED);
            assertThat(result.reason()).contains(dev.pledge.core.AbortReason.VALIDATION_FAILED);
            assertThat(result.message()).isEqualTo("course-c voted NO: course full");
        }
    }

    @Test
    void preparingThenCommittedIsLearnedByPollingStatus() throws Exception {
        coordinator.onCommit(ScriptedCoordinator.outcome(TxState.PREPARING));
        coordinator.onStatus(ScriptedCoordinator.status(TxState.PREPARING), ScriptedCoordinator.status(TxState.COMMITTED));
        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            assertThat(tx.commit().committed()).isTrue();
        }
        assertThat(coordinator.commits).hasSize(1);
        assertThat(coordinator.statuses).hasSize(2);
    }

    @Test
    void commitRetriesThroughUnavailableAndStillTellsTheTruth() throws Exception {
        coordinator.onCommit(new Unavailable("starting"), new Unavailable("starting"), ScriptedCoordinator.outcome(TxState.COMMITTED));
        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            assertThat(tx.commit().committed()).isTrue();
        }
        assertThat(coordinator.commits).hasSize(3);
    }

    @Test
    void undecidedPastDeadlinePlusGraceIsInDoubtWithTheTxId() throws Exception {
        coordinator.onCommit(ScriptedCoordinator.outcome(TxState.PREPARING));
        coordinator.onStatus(ScriptedCoordinator.status(TxState.PREPARING));
        long startMs = time.nowMs();
        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            TxId id = tx.id();
            assertThatThrownBy(tx::commit).isInstanceOfSatisfying(InDoubtException.class,
                    e -> assertThat(e.txId()).isEqualTo(id));
        }
        assertThat(time.nowMs()).as("never waits past deadline + grace")
                .isLessThan(startMs + TX_TIMEOUT.toMillis() + GRACE.toMillis());
        assertThat(coordinator.statuses).isNotEmpty();
        assertThat(coordinator.aborts).as("an in-doubt transaction is not aborted on close").isEmpty();
    }

    @Test
    void anUnreachableCoordinatorAtCommitIsInDoubtNeverAGuess() throws Exception {
        long startMs = time.nowMs();
        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            coordinatorServer.close();
            assertThatThrownBy(tx::commit).isInstanceOfSatisfying(InDoubtException.class, e -> {
                assertThat(e.txId()).isEqualTo(tx.id());
                assertThat(e.getCause()).isInstanceOf(dev.pledge.rpc.RpcException.class);
            });
        }
        assertThat(time.nowMs()).isLessThan(startMs + TX_TIMEOUT.toMillis() + GRACE.toMillis());
    }

    @Test
    void operationsAfterCommitAreRefused() throws Exception {
        coordinator.onCommit(ScriptedCoordinator.outcome(TxState.COMMITTED));
        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            tx.commit();
            assertThatThrownBy(() -> tx.kv(TestServers.endpoint(participantServer)).get(bytes("k")))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(tx::commit).isInstanceOf(IllegalStateException.class);
        }
        assertThat(kv.invocations()).isZero();
    }

    @Test
    void commitAfterTheClientsOwnAbortIsAnIllegalState() throws Exception {
        coordinator.onCommit(new NotAllowed("transaction was aborted by the client"));
        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            assertThatThrownBy(tx::commit).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("aborted by the client");
        }
    }

    @Test
    void closeWithoutCommitSendsAbort() throws Exception {
        TxId id;
        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            id = tx.id();
        }
        assertThat(coordinator.aborts).hasSize(1);
        assertThat(Wire.fromWire(coordinator.aborts.get(0).getTxId())).isEqualTo(id);
    }

    @Test
    void closeNeverThrowsWhenTheAbortFails() throws Exception {
        coordinator.onAbort(new Unavailable("overloaded"));
        Transaction tx = client.begin(TX_TIMEOUT);
        tx.close();
        assertThat(coordinator.aborts).isNotEmpty();
    }

    @Test
    void opSeqIncreasesPerOperationAndIsStableAcrossARetry() throws Exception {
        var participant = TestServers.endpoint(participantServer);
        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            tx.kv(participant).put(bytes("k"), bytes("v")); // its reply is lost once: retried
            kv.failNextWithUnavailable(2);
            assertThat(tx.kv(participant).get(bytes("k"))).isEqualTo(bytes("v"));
            tx.kv(participant).remove(bytes("k"));
        }
        assertThat(kv.invokedOpSeqs()).containsExactly(1L, 1L, 2L, 2L, 2L, 3L);
        assertThat(kv.applied()).isEqualTo(3);
    }

    @Test
    void statusReportsStateAndReason() throws Exception {
        coordinator.onStatus(ScriptedCoordinator.status(TxState.ABORTED).setReason(AbortReason.DEADLINE_EXCEEDED));
        StatusResult status = client.status(new TxId("coord-1", 7, 9));
        assertThat(status.state()).isEqualTo(dev.pledge.core.TxState.ABORTED);
        assertThat(status.reason()).isEqualTo(Optional.of(dev.pledge.core.AbortReason.DEADLINE_EXCEEDED));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
