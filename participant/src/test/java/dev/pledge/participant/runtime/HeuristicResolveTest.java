package dev.pledge.participant.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pledge.core.TxId;
import dev.pledge.participant.ParticipantNode;
import dev.pledge.participant.config.MetricsConfig;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Ack;
import dev.pledge.wire.Admin;
import dev.pledge.wire.BranchState;
import dev.pledge.wire.InDoubtBranch;
import dev.pledge.wire.InDoubtRequest;
import dev.pledge.wire.Kv;
import dev.pledge.wire.OperatorCredential;
import dev.pledge.wire.Participant;
import dev.pledge.wire.ResolveRequest;
import dev.pledge.wire.ResolveResponse;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.TxState;
import dev.pledge.wire.Vote;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.thrift.TException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator resolution on a real node with a scripted coordinator: refused when the outcome is
 * knowable, and a forced outcome the real decision contradicts becomes HEURISTIC_MIXED, listed,
 * counted and exported. Polling is slow so that only the operator's call asks the coordinator.
 */
class HeuristicResolveTest {
    private static final long CALL_MS = 10_000;
    private static final TxId TX = new TxId("coord-1", 1, 1);

    @TempDir
    Path dataDir;
    @TempDir
    Path secrets;

    private ScriptedCoordinator coordinator;
    private ParticipantNode node;
    private RpcClient client;

    @BeforeEach
    void start() throws Exception {
        coordinator = new ScriptedCoordinator();
        ParticipantConfig config = ParticipantConfig.defaults("A", new Endpoint("127.0.0.1", 0), dataDir,
                        new Endpoint("127.0.0.1", coordinator.port()))
                .withInDoubtPollMs(60_000, 120_000)
                .withOperatorTokenFile(OperatorTokens.file(secrets));
        node = new ParticipantNode(config).withMetrics(new MetricsConfig(new Endpoint("127.0.0.1", 0), 1_000)).start();
        client = new RpcClient(new Endpoint("127.0.0.1", node.port()), RpcClientConfig.defaults().withMaxAttempts(2));
        client.call(Services.KV, new Kv.Client.Factory(), (c, ms) -> {
            c.put(new TxContext(Wire.toWire(TX), 1, ms), utf8("k"), utf8("v"));
            return null;
        }, CALL_MS);
        Vote vote = PhaseCalls.prepare(client, TX, node.incarnation(), CALL_MS).getVote();
        assertThat(vote).isEqualTo(Vote.YES);
    }

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (node != null) node.stop();
        coordinator.close();
    }

    @Test
    void resolveIsRefusedAndTheCoordinatorsOutcomeAppliedWhenItKnowsIt() throws Exception {
        coordinator.statuses.put(TX, TxState.COMMITTED);

        ResolveResponse r = resolve(false);

        assertThat(r.isForced()).isFalse();
        assertThat(r.getState()).isEqualTo(BranchState.COMMITTED);
        assertThat(r.getMessage()).contains("coordinator knows the real outcome COMMITTED");
        assertThat(listed()).isEmpty();
        assertThat(stats()).containsEntry("heuristic.forced", 0L);
    }

    @Test
    void aForcedOutcomeTheDecisionContradictsIsListedCountedAndExportedAsHeuristicMixed() throws Exception {
        ResolveResponse forced = resolve(false);
        assertThat(forced.isForced()).as("a PREPARING coordinator cannot tell the outcome").isTrue();
        assertThat(forced.getState()).isEqualTo(BranchState.HEURISTIC_ABORTED);
        assertThat(listed()).extracting(InDoubtBranch::getState).containsExactly(BranchState.HEURISTIC_ABORTED);

        Ack ack = PhaseCalls.decide(client, TX, true, CALL_MS);

        assertThat(ack.getState()).isEqualTo(BranchState.HEURISTIC_MIXED);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(listed()).extracting(InDoubtBranch::getState).containsExactly(BranchState.HEURISTIC_MIXED));
        assertThat(stats()).containsEntry("heuristic.forced", 1L).containsEntry("heuristic.mixed", 1L)
                .containsEntry("heuristic.mixedBranches", 1L);
        assertThat(http("/metrics").body()).containsPattern("pledge_participant_heuristic_mixed_total\\{[^}]*\\} 1\\.0");
    }

    @Test
    void aForcedCommitThatAPresumedAbortContradictsBecomesMixedWithoutAnyDelivery() throws Exception {
        ResolveResponse forced = resolve(true);
        assertThat(forced.getState()).isEqualTo(BranchState.HEURISTIC_COMMITTED);

        // The coordinator has no record to deliver; only asking it reveals the contradiction.
        coordinator.statuses.put(TX, TxState.ABORTED);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(listed()).extracting(InDoubtBranch::getState).containsExactly(BranchState.HEURISTIC_MIXED));
        assertThat(stats()).containsEntry("heuristic.mixed", 1L);
    }

    @Test
    void healthTurnsUnavailableWhenTheCoordinatorIsLost() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> http("/health").statusCode() == 200);
        coordinator.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> http("/health").statusCode() == 503);
        assertThat(http("/health").body()).contains("coordinator unreachable");
    }

    private ResolveResponse resolve(boolean commit) throws Exception {
        OperatorCredential operator = OperatorTokens.operator(secrets);
        return client.call(Services.ADMIN, new Admin.Client.Factory(),
                (c, ms) -> c.resolve(new ResolveRequest(ms, Wire.toWire(TX), commit, true).setOperator(operator)), CALL_MS);
    }

    private List<InDoubtBranch> listed() throws TException {
        return client.call(Services.ADMIN, new Admin.Client.Factory(), (c, ms) -> {
            InDoubtRequest req = new InDoubtRequest(ms);
            req.setIncludeHeuristic(true);
            return c.listInDoubt(req);
        }, CALL_MS);
    }

    private Map<String, Long> stats() throws TException {
        return client.call(Services.ADMIN, new Admin.Client.Factory(), (c, ms) -> c.stats(), CALL_MS).getCounters();
    }

    private HttpResponse<String> http(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.metricsPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
