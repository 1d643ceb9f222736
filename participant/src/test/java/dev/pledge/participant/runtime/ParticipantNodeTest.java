package dev.pledge.participant.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pledge.core.TxId;
import dev.pledge.participant.ParticipantNode;
import dev.pledge.participant.app.PrepareValidator;
import dev.pledge.core.config.ConfigValues;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.participant.config.ParticipantSettings;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.AbortReason;
import dev.pledge.wire.Ack;
import dev.pledge.wire.Admin;
import dev.pledge.wire.BranchState;
import dev.pledge.wire.InDoubtBranch;
import dev.pledge.wire.InDoubtRequest;
import dev.pledge.wire.Kv;
import dev.pledge.wire.NotAllowed;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PrepareResponse;
import dev.pledge.wire.OperatorCredential;
import dev.pledge.wire.ResolveRequest;
import dev.pledge.wire.ResolveResponse;
import dev.pledge.wire.StatsResponse;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.TxState;
import dev.pledge.wire.Vote;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.thrift.TException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real ParticipantNode over loopback Thrift and RocksDB, with a scripted coordinator. */
class ParticipantNodeTest {
    private static final long CALL_MS = 10_000;

    @TempDir
    Path dataDir;
    @TempDir
    Path secrets;

    private ScriptedCoordinator coordinator;
    private ParticipantNode node;
    private RpcClient client;

    @BeforeEach
    void startCoordinator() throws Exception {
        coordinator = new ScriptedCoordinator();
    }

    @AfterEach
    void stopAll() {
        if (client != null) client.close();
        if (node != null) node.stop();
        coordinator.close();
    }

    private void startNode() throws Exception {
        startNode(PrepareValidator.ACCEPT_ALL);
    }

    private void startNode(PrepareValidator validator) throws Exception {
        if (client != null) client.close();
        ParticipantConfig config = ParticipantConfig.defaults("A", new Endpoint("127.0.0.1", 0), dataDir,
                        new Endpoint("127.0.0.1", coordinator.port()))
                .withInDoubtPollMs(10, 100)
                .withRpcClient(RpcClientConfig.defaults().withBackoff(5, 50))
                .withOperatorTokenFile(OperatorTokens.file(secrets));
        node = new ParticipantNode(config).withValidator(validator).start();
        client = new RpcClient(new Endpoint("127.0.0.1", node.port()), RpcClientConfig.defaults().withMaxAttempts(2));
    }

    private static TxId tx(long seq) {
        return new TxId("coord-1", 1, seq);
    }

    private static TxContext ctx(TxId tx, long opSeq) {
        return new TxContext(Wire.toWire(tx), opSeq, CALL_MS);
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private void put(TxId tx, long opSeq, String key, String value) throws TException {
        client.call(Services.KV, new Kv.Client.Factory(), (c, ms) -> {
            c.put(new TxContext(Wire.toWire(tx), opSeq, ms), bytes(key), bytes(value));
            return null;
        }, CALL_MS);
    }

    private String get(TxId tx, long opSeq, String key) throws TException {
        byte[] v = client.call(Services.KV, new Kv.Client.Factory(),
                (c, ms) -> c.get(new TxContext(Wire.toWire(tx), opSeq, ms), bytes(key)), CALL_MS).getValue();
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    private Vote prepare(TxId tx) throws TException {
        return prepareResponse(tx).getVote();
    }

    private PrepareResponse prepareResponse(TxId tx) throws TException {
        return PhaseCalls.prepare(client, tx, node.incarnation(), CALL_MS);
    }

    private BranchState commit(TxId tx) throws TException {
        return PhaseCalls.decide(client, tx, true, CALL_MS).getState();
    }

    @Test
    void committedWritesAreVisibleToANewTransaction() throws Exception {
        startNode();
        put(tx(1), 1, "course:cs101", "seats=29");
        assertThat(prepare(tx(1))).isEqualTo(Vote.YES);
        assertThat(commit(tx(1))).isEqualTo(BranchState.COMMITTED);

        assertThat(get(tx(2), 1, "course:cs101")).isEqualTo("seats=29");
        assertThat(coordinator.enlisted).contains("coord-1.1.1 A incarnation " + node.incarnation());
    }

    @Test
    void theApplicationValidatorCanVoteNoWithItsReason() throws Exception {
        startNode((txId, writes, committed) -> writes.stream().anyMatch(w -> w.key().toString().equals("course:full"))
                ? PrepareValidator.Result.no("course full") : PrepareValidator.Result.OK);
        put(tx(1), 1, "course:full", "31 of 30");
        PrepareResponse r = prepareResponse(tx(1));
        assertThat(r.getVote()).isEqualTo(Vote.NO);
        assertThat(r.getReason()).isEqualTo(AbortReason.VALIDATION_FAILED);
        assertThat(r.getMessage()).isEqualTo("course full");
        assertThatThrownBy(() -> put(tx(1), 2, "course:full", "again")).isInstanceOf(NotAllowed.class);
    }

    @Test
    void anOperationThatFailsAfterWritingCannotBeCommittedHalfDone() throws Exception {
        startNode();
        assertThatThrownBy(() -> node.execute(ctx(tx(1), 1), kv -> {
            kv.put("student:7".getBytes(StandardCharsets.UTF_8), "enrolled".getBytes(StandardCharsets.UTF_8));
            throw new TException("course service said no");
        })).hasMessage("course service said no");
        assertThat(prepareResponse(tx(1)).getVote()).isEqualTo(Vote.NO);
    }

    @Test
    void anOperatorCanForceAnInDoubtBranch() throws Exception {
        startNode();
        put(tx(1), 1, "k", "forced");
        assertThat(prepare(tx(1))).isEqualTo(Vote.YES);
        OperatorCredential operator = OperatorTokens.operator(secrets);
        ResolveResponse r = client.call(Services.ADMIN, new Admin.Client.Factory(),
                (c, ms) -> c.resolve(new ResolveRequest(ms, Wire.toWire(tx(1)), true, true).setOperator(operator)), CALL_MS);
        assertThat(r.getState()).isEqualTo(BranchState.HEURISTIC_COMMITTED);
        assertThat(r.isForced()).isTrue();
        assertThat(get(tx(2), 1, "k")).isEqualTo("forced");
        StatsResponse stats = client.call(Services.ADMIN, new Admin.Client.Factory(), (c, ms) -> c.stats(), CALL_MS);
        assertThat(stats.getCounters()).containsKeys("log.syncs", "log.batches", "branches.prepared");
    }

    @Test
    void aRetriedOperationWithTheSameOpSeqIsAppliedOnce() throws Exception {
        startNode();
        put(tx(1), 1, "k", "first");
        put(tx(1), 2, "k", "second");
        put(tx(1), 1, "k", "first");
        assertThat(get(tx(1), 3, "k")).isEqualTo("second");

        AtomicInteger runs = new AtomicInteger();
        for (int attempt = 0; attempt < 2; attempt++) {
            String result = node.execute(ctx(tx(1), 4), kv -> {
                runs.incrementAndGet();
                return "ran";
            });
            assertThat(result).isEqualTo("ran");
        }
        assertThat(runs).hasValue(1);
    }

    @Test
    void aRestartedParticipantKeepsPreparedLocksAndCommitsWhatTheCoordinatorDecided() throws Exception {
        startNode();
        put(tx(1), 1, "student:7", "enrolled");
        assertThat(prepare(tx(1))).isEqualTo(Vote.YES);
        long firstIncarnation = node.incarnation();
        node.stop();

        startNode();
        assertThat(node.incarnation()).isGreaterThan(firstIncarnation);
        // The recovered branch still holds its key: a younger writer queues behind the prepared
        // holder (which never waits, so that is safe) and is refused at its lock-wait limit.
        assertThatThrownBy(() -> put(tx(5), 1, "student:7", "other"))
                .isInstanceOf(NotAllowed.class)
                .hasMessageContaining("LOCK_TIMEOUT");
        List<InDoubtBranch> inDoubt = client.call(Services.ADMIN, new Admin.Client.Factory(),
                (c, ms) -> c.listInDoubt(new InDoubtRequest(ms)), CALL_MS);
        assertThat(inDoubt).extracting(b -> Wire.fromWire(b.getTxId())).containsExactly(tx(1));

        coordinator.statuses.put(tx(1), TxState.COMMITTED);
        AtomicInteger nextTx = new AtomicInteger(100);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(NotAllowed.class)
                .until(() -> "enrolled".equals(get(tx(nextTx.incrementAndGet()), 1, "student:7")));
    }

    @Test
    void aNodeServesMetricsWhenItsConfigNamesAnAddress() throws Exception {
        ParticipantConfig config = ParticipantSettings.config(ConfigValues.of(ParticipantSettings.SCHEMA, Map.of(
                "core.participant-id", "A", "rpc.coordinator", "127.0.0.1:" + coordinator.port(),
                "storage.data-dir", dataDir.toString(), "rpc.metrics", "127.0.0.1:0")));
        node = new ParticipantNode(config).start();
        assertThat(node.metricsPort()).isPositive();
    }
}
