package dev.pledge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.core.TxId;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.RpcServer;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.testkit.DedupKv;
import dev.pledge.testkit.LosesFirstReply;
import dev.pledge.testkit.ManualTime;
import dev.pledge.testkit.ScriptedCoordinator;
import dev.pledge.testkit.TestServers;
import dev.pledge.wire.AbortReason;
import dev.pledge.wire.Participant;
import dev.pledge.wire.TxState;
import dev.pledge.wire.WriteTransaction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.thrift.TMultiplexedProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A client given two coordinators, a and b (in that order), over real sockets and a manual clock. */
class SeveralCoordinatorsTest {
    private static final Duration TX_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration GRACE = Duration.ofSeconds(1);

    private final ManualTime time = new ManualTime(0);
    private final NamedCoordinator a = new NamedCoordinator("coord-a");
    private final NamedCoordinator b = new NamedCoordinator("coord-b");
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Map<String, PingingParticipant> participants = new HashMap<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
    }

    @Test
    void beginsAreSpreadOverTheCoordinatorsInTurn() throws Exception {
        PledgeClient client = client(RpcClientConfig.defaults(), server(a), server(b));

        List<String> issuers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (Transaction tx = client.begin(TX_TIMEOUT)) {
                issuers.add(tx.id().coordinatorId());
            }
        }

        assertThat(issuers).containsExactly("coord-a", "coord-b", "coord-a", "coord-b");
        assertThat(a.script.begins).hasSize(2);
        assertThat(b.script.begins).hasSize(2);
        assertThat(a.script.aborts).as("each closed transaction is aborted at its own coordinator").hasSize(2);
        assertThat(b.script.aborts).hasSize(2);
    }

    @Test
    void beginFailsOverToTheNextCoordinatorAndThenSkipsTheOneThatFailed() throws Exception {
        RpcServer downA = server(a);
        // A breaker that never opens here, so every call to a would cost retries on the clock.
        PledgeClient client = client(RpcClientConfig.defaults().withBreaker(100, 10_000), downA, server(b));
        downA.close();

        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            assertThat(tx.id().coordinatorId()).isEqualTo("coord-b");
        }
        int sleepsAfterFailover = time.sleepsMs().size();
        assertThat(sleepsAfterFailover).as("a was tried, with backoff").isPositive();
        for (int i = 0; i < 3; i++) {
            try (Transaction tx = client.begin(TX_TIMEOUT)) {
                assertThat(tx.id().coordinatorId()).isEqualTo("coord-b");
            }
        }

        assertThat(time.sleepsMs()).as("a, failed within the cool-down, is not tried while b answers")
                .hasSize(sleepsAfterFailover);
        assertThat(b.script.begins).hasSize(4);
    }

    @Test
    void commitLearnsCommittedFromAnotherCoordinatorWhenItsOwnDied() throws Exception {
        RpcServer serverA = server(a);
        PledgeClient client = client(RpcClientConfig.defaults(), serverA, server(b));
        b.script.onStatus(ScriptedCoordinator.status(TxState.COMMITTED));
        Endpoint shardA = participant("shard-a");
        Endpoint shardB = participant("shard-b");

        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            assertThat(tx.id().coordinatorId()).isEqualTo("coord-a");
            tx.kv(shardA).put(bytes("k"), bytes("v"));
            tx.kv(shardB).put(bytes("k"), bytes("v"));
            serverA.close();

            assertThat(tx.commit().committed()).isTrue();
            assertThat(time.nowMs()).as("an inquiry changes nothing, so others are asked at once, not at the deadline")
                    .isLessThan(TX_TIMEOUT.toMillis());
            assertThat(b.script.statuses).isNotEmpty();
            assertThat(b.script.statuses).allSatisfy(s -> {
                assertThat(Wire.fromWire(s.getTxId())).isEqualTo(tx.id());
                assertThat(s.getParticipants()).containsExactlyInAnyOrder("shard-a", "shard-b");
            });
            assertThat(tx.participantIds()).containsExactly("shard-a", "shard-b");
        }
        assertThat(participants.values()).as("each participant's id is asked once per client")
                .allSatisfy(p -> assertThat(p.pings).hasValue(1));
        assertThat(b.script.commits).as("b is only asked, never told to commit").isEmpty();
    }

    @Test
    void commitLearnsAbortedFromAnotherCoordinatorWhenItsOwnForgotTheTransaction() throws Exception {
        PledgeClient client = client(RpcClientConfig.defaults(), server(a), server(b));
        a.script.onCommit(ScriptedCoordinator.outcome(TxState.FORGOTTEN));
        a.script.onStatus(ScriptedCoordinator.status(TxState.FORGOTTEN));
        b.script.onStatus(ScriptedCoordinator.status(TxState.ABORTED).setReason(AbortReason.VALIDATION_FAILED)
                .setMessage("shard-a voted NO"));
        Endpoint shardA = participant("shard-a");

        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            tx.kv(shardA).put(bytes("k"), bytes("v"));
            CommitResult result = tx.commit();

            assertThat(result.state()).isEqualTo(dev.pledge.core.TxState.ABORTED);
            assertThat(result.reason()).contains(dev.pledge.core.AbortReason.VALIDATION_FAILED);
            assertThat(b.script.statuses.get(0).getParticipants()).containsExactly("shard-a");
        }
    }

    @Test
    void anotherCoordinatorsUndecidedAnswerIsNeverTakenForAnOutcome() throws Exception {
        RpcServer serverA = server(a);
        PledgeClient client = client(RpcClientConfig.defaults(), serverA, server(b));
        b.script.onStatus(ScriptedCoordinator.status(TxState.PREPARING));
        Endpoint shardA = participant("shard-a");

        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            tx.kv(shardA).put(bytes("k"), bytes("v"));
            serverA.close();

            assertThatThrownBy(tx::commit).isInstanceOfSatisfying(InDoubtException.class,
                    e -> assertThat(e.txId()).isEqualTo(tx.id()));
        }
        assertThat(b.script.statuses).isNotEmpty();
        assertThat(time.nowMs()).isLessThan(TX_TIMEOUT.toMillis() + GRACE.toMillis());
    }

    @Test
    void bufferedCommitStaysWithACoordinatorThatMayHaveReceivedIt() throws Exception {
        // a runs every call and loses every reply: each send may have been delivered.
        PledgeClient client = client(RpcClientConfig.defaults(), server(a, new LosesFirstReply(Integer.MAX_VALUE)),
                server(b));

        BufferedTransaction tx = client.beginBuffered(TX_TIMEOUT).put("shard-a", bytes("k"), bytes("v"));
        assertThatThrownBy(tx::commit).isInstanceOf(InDoubtException.class);

        assertThat(b.commitWrites).as("b would run the writes a second time").isEmpty();
        assertThat(a.commitWrites).isNotEmpty();
        assertThat(a.commitWrites).extracting(WriteTransaction::bufferForRequestKey).containsOnly(
                a.commitWrites.get(0).bufferForRequestKey());
        assertThat(a.commitWrites.subList(1, a.commitWrites.size())).allMatch(WriteTransaction::isResend);
    }

    @Test
    void bufferedCommitMovesToAnotherCoordinatorWhenTheFirstNeverReceivedIt() throws Exception {
        RpcServer downA = server(a);
        PledgeClient client = client(RpcClientConfig.defaults(), downA, server(b));
        downA.close();

        BufferedTransaction tx = client.beginBuffered(TX_TIMEOUT).put("shard-a", bytes("k"), bytes("v"));
        assertThat(tx.commit().committed()).isTrue();

        assertThat(b.commitWrites).hasSize(1);
        assertThat(b.commitWrites.get(0).isResend()).as("no coordinator had seen it").isFalse();
        assertThat(tx.id()).map(TxId::coordinatorId).contains("coord-b");
        assertThat(a.commitWrites).isEmpty();
    }

    @Test
    void commitAsyncLearnsCommittedFromAnotherCoordinatorWhenItsOwnDied() throws Exception {
        RpcServer serverA = server(a);
        PledgeClient client = client(RpcClientConfig.defaults(), serverA, server(b));
        b.script.onStatus(ScriptedCoordinator.status(TxState.COMMITTED));
        Endpoint shardA = participant("shard-a");

        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            tx.kv(shardA).put(bytes("k"), bytes("v"));
            serverA.close();

            assertThat(tx.commitAsync().get(10, TimeUnit.SECONDS).committed()).isTrue();
            assertThat(b.script.statuses).isNotEmpty().allSatisfy(s ->
                    assertThat(s.getParticipants()).containsExactly("shard-a"));
        }
        assertThat(b.script.commits).as("b is only asked, never told to commit").isEmpty();
    }

    @Test
    void bufferedCommitAsyncStaysWithACoordinatorThatMayHaveReceivedIt() throws Exception {
        PledgeClient client = client(RpcClientConfig.defaults(), server(a, new LosesFirstReply(Integer.MAX_VALUE)),
                server(b));

        BufferedTransaction tx = client.beginBuffered(TX_TIMEOUT).put("shard-a", bytes("k"), bytes("v"));
        assertThatThrownBy(() -> tx.commitAsync().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InDoubtException.class);

        assertThat(b.commitWrites).as("b would run the writes a second time").isEmpty();
        assertThat(a.commitWrites).isNotEmpty().extracting(WriteTransaction::bufferForRequestKey)
                .containsOnly(a.commitWrites.get(0).bufferForRequestKey());
    }

    @Test
    void bufferedCommitAsyncMovesToAnotherCoordinatorWhenTheFirstNeverReceivedIt() throws Exception {
        RpcServer downA = server(a);
        PledgeClient client = client(RpcClientConfig.defaults(), downA, server(b));
        downA.close();

        BufferedTransaction tx = client.beginBuffered(TX_TIMEOUT).put("shard-a", bytes("k"), bytes("v"));
        assertThat(tx.commitAsync().get(10, TimeUnit.SECONDS).committed()).isTrue();

        assertThat(b.commitWrites).hasSize(1);
        assertThat(tx.id()).map(TxId::coordinatorId).contains("coord-b");
        assertThat(a.commitWrites).isEmpty();
    }

    @Test
    void statusWithParticipantIdsAsksTheOtherCoordinatorsWhenItsOwnIsDown() throws Exception {
        RpcServer serverA = server(a);
        PledgeClient client = client(RpcClientConfig.defaults(), serverA, server(b));
        b.script.onStatus(ScriptedCoordinator.status(TxState.COMMITTED));
        TxId id;
        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            id = tx.id();
            serverA.close();

            StatusResult status = client.status(id, List.of("shard-a", "shard-b"));

            assertThat(status.state()).isEqualTo(dev.pledge.core.TxState.COMMITTED);
        }
        assertThat(id.coordinatorId()).isEqualTo("coord-a");
        assertThat(b.script.statuses).hasSize(1);
        assertThat(b.script.statuses.get(0).getParticipants()).containsExactly("shard-a", "shard-b");
    }

    @Test
    void statusWithoutParticipantIdsGoesToTheTransactionsOwnCoordinator() throws Exception {
        PledgeClient client = client(RpcClientConfig.defaults(), server(a), server(b));
        a.script.onStatus(ScriptedCoordinator.status(TxState.PREPARING));
        b.script.onStatus(ScriptedCoordinator.status(TxState.ACTIVE));
        try (Transaction atA = client.begin(TX_TIMEOUT); Transaction atB = client.begin(TX_TIMEOUT)) {
            assertThat(client.status(atB.id()).state()).isEqualTo(dev.pledge.core.TxState.ACTIVE);
            assertThat(client.status(atA.id()).state()).isEqualTo(dev.pledge.core.TxState.PREPARING);

            assertThat(b.script.statuses).singleElement()
                    .satisfies(s -> assertThat(Wire.fromWire(s.getTxId())).isEqualTo(atB.id()))
                    .satisfies(s -> assertThat(s.isSetParticipants()).isFalse());
            assertThat(a.script.statuses).singleElement()
                    .satisfies(s -> assertThat(Wire.fromWire(s.getTxId())).isEqualTo(atA.id()));
        }
    }

    @Test
    void aReplicaSetKeepsAParticipantReachableWhenTheReplicaTheApplicationNamesIsDown() throws Exception {
        Endpoint down = participant("shard-c");
        Endpoint leader = participant("shard-c");
        closeServerAt(down);
        PledgeClient client = PledgeClient.builder().coordinator(TestServers.endpoint(server(a))).timeSource(time)
                .random(new Random(7)).replicaSet(List.of(down, leader)).build();
        toClose.add(client);

        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            tx.kv(down).put(bytes("k"), bytes("v"));
            assertThat(tx.participantIds()).containsExactly("shard-c");
        }
    }

    @Test
    void aReplicaSetIsCheckedWhenTheClientIsBuilt() {
        Endpoint x = new Endpoint("127.0.0.1", 1);
        Endpoint y = new Endpoint("127.0.0.1", 2);
        PledgeClient.Builder b = PledgeClient.builder().replicaSet(List.of(x, y));
        assertThatThrownBy(() -> b.replicaSet(List.of(y))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already in replica set");
        assertThatThrownBy(() -> PledgeClient.builder().replicaSet(List.of(x, x))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> PledgeClient.builder().replicaSet(List.of())).isInstanceOf(IllegalArgumentException.class);
        List<Endpoint> ten = new ArrayList<>();
        for (int port = 1; port <= PledgeClient.Builder.REPLICAS_MAX + 1; port++) ten.add(new Endpoint("127.0.0.1", port));
        assertThatThrownBy(() -> PledgeClient.builder().replicaSet(ten)).isInstanceOf(IllegalArgumentException.class);
    }

    private void closeServerAt(Endpoint endpoint) throws Exception {
        for (AutoCloseable c : toClose) {
            if (c instanceof RpcServer s && TestServers.endpoint(s).equals(endpoint)) s.close();
        }
    }

    private PledgeClient client(RpcClientConfig config, RpcServer... coordinators) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (RpcServer s : coordinators) endpoints.add(TestServers.endpoint(s));
        PledgeClient client = PledgeClient.builder()
                .coordinators(endpoints)
                .rpcConfig(config)
                .timeSource(time)
                .random(new Random(7))
                .commitGrace(GRACE)
                .build();
        toClose.add(client);
        return client;
    }

    private RpcServer server(NamedCoordinator coordinator) {
        return server(coordinator, new TMultiplexedProcessor());
    }

    private RpcServer server(NamedCoordinator coordinator, TMultiplexedProcessor processor) {
        RpcServer server = TestServers.start(processor, null, coordinator);
        toClose.add(server);
        return server;
    }

    /** A participant that answers Kv calls and ping with {@code nodeId}. */
    private Endpoint participant(String nodeId) {
        TMultiplexedProcessor processor = new TMultiplexedProcessor();
        PingingParticipant participant = new PingingParticipant(nodeId);
        participants.put(nodeId, participant);
        processor.registerProcessor(Services.PARTICIPANT, new Participant.Processor<>(participant));
        RpcServer server = TestServers.start(processor, new DedupKv(), null);
        toClose.add(server);
        return TestServers.endpoint(server);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
