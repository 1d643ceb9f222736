package dev.pledge.participant.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pledge.core.TxId;
import dev.pledge.failpoint.Failpoints;
import dev.pledge.participant.ParticipantNode;
import dev.pledge.participant.config.MetricsConfig;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.runtime.GroupCommitWriter;
import dev.pledge.wire.Kv;
import dev.pledge.wire.TxContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure policy every node shares: a failed log write stops the node's deciding and fails
 * /health, and the node stays up to say why; the vote whose record failed never leaves.
 */
class LogWriteFailureTest {
    private static final long CALL_MS = 3_000;

    @TempDir
    Path dataDir;

    private ScriptedCoordinator coordinator;
    private ParticipantNode node;
    private RpcClient client;

    @AfterEach
    void stop() {
        Failpoints.configure("");
        if (client != null) client.close();
        if (node != null) node.stop();
        if (coordinator != null) coordinator.close();
    }

    @Test
    void aFailedWriteStopsDecidingAndFailsHealthWithoutSendingTheVote() throws Exception {
        coordinator = new ScriptedCoordinator();
        ParticipantConfig config = ParticipantConfig.defaults("A", new Endpoint("127.0.0.1", 0), dataDir,
                new Endpoint("127.0.0.1", coordinator.port()));
        node = new ParticipantNode(config).withMetrics(new MetricsConfig(new Endpoint("127.0.0.1", 0), 60_000)).start();
        client = new RpcClient(new Endpoint("127.0.0.1", node.port()), RpcClientConfig.defaults().withMaxAttempts(1));
        TxId tx = new TxId("coord-1", 1, 1);
        put(tx, "k");
        await().atMost(Duration.ofSeconds(10)).until(() -> health().statusCode() == 200);

        Failpoints.configure(GroupCommitWriter.FAILPOINT_WRITE + "=fail");
        assertThatThrownBy(() -> PhaseCalls.prepare(client, tx, node.incarnation(), CALL_MS))
                .as("no vote leaves before its PREPARED record is durable");

        await().atMost(Duration.ofSeconds(10)).until(() -> health().statusCode() == 503);
        assertThat(health().body()).contains("no decisions are made").contains("failpoint log.write");
        Failpoints.configure("");
        assertThatThrownBy(() -> put(new TxId("coord-1", 1, 2), "other"))
                .as("a node that stopped deciding refuses new work").hasMessageContaining("decides nothing more");
    }

    private void put(TxId tx, String key) throws Exception {
        client.call(Services.KV, new Kv.Client.Factory(), (c, ms) -> {
            c.put(new TxContext(Wire.toWire(tx), 1, ms), utf8(key), utf8("v"));
            return null;
        }, CALL_MS);
    }

    private HttpResponse<String> health() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.metricsPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
