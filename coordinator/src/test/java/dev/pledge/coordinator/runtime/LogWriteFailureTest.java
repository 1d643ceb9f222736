package dev.pledge.coordinator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.failpoint.Failpoints;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.runtime.GroupCommitWriter;
import dev.pledge.wire.BeginRequest;
import dev.pledge.wire.CommitRequest;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.EnlistRequest;
import dev.pledge.wire.TxState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.thrift.TException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure policy every node shares: a failed decision-log write stops the coordinator's
 * deciding and fails /health; no COMMITTED answer leaves for a COMMIT whose write failed.
 */
class LogWriteFailureTest {
    private static final long CALL_MS = 3_000;

    @TempDir
    Path dataDir;

    private ScriptedParticipant studentA;
    private CoordinatorNode node;
    private RpcClient client;

    @AfterEach
    void stop() {
        Failpoints.configure("");
        if (client != null) client.close();
        if (node != null) node.close();
        if (studentA != null) studentA.close();
    }

    @Test
    void aFailedWriteStopsDecidingAndFailsHealthWithoutAnsweringCommitted() throws Exception {
        studentA = new ScriptedParticipant();
        CoordinatorConfig config = CoordinatorConfig.defaults("coord-1", new Endpoint("127.0.0.1", 0), dataDir,
                Map.of("student-a", studentA.endpoint(), "course-c", studentA.endpoint()));
        node = CoordinatorNode.start(config, new Endpoint("127.0.0.1", 0));
        client = new RpcClient(new Endpoint("127.0.0.1", node.port()), RpcClientConfig.defaults().withMaxAttempts(1));
        dev.pledge.wire.TxId tx = coordinator((c, ms) -> c.begin(new BeginRequest(ms, 10_000))).getTxId();
        coordinator((c, ms) -> c.enlist(new EnlistRequest(ms, tx, "student-a", 1)));
        coordinator((c, ms) -> c.enlist(new EnlistRequest(ms, tx, "course-c", 1)));
        assertThat(health().statusCode()).isEqualTo(200);

        Failpoints.configure(GroupCommitWriter.FAILPOINT_WRITE + "=fail");
        try {
            TxState answered = coordinator((c, ms) -> c.commit(new CommitRequest(ms, tx))).getState();
            assertThat(answered).as("no COMMITTED answer before the COMMIT record is durable").isNotEqualTo(TxState.COMMITTED);
        } catch (TException refused) {
            // Equally fine: the answer never left.
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> health().statusCode() == 503);
        assertThat(health().body()).contains("no decisions are made: the log write failed").contains("failpoint log.write");
        Failpoints.configure("");
        assertThatThrownBy(() -> coordinator((c, ms) -> c.begin(new BeginRequest(ms, 10_000))))
                .as("a coordinator that stopped deciding refuses new work").hasMessageContaining("coord-1 decides nothing more");
    }

    private <R> R coordinator(dev.pledge.rpc.ThriftCall<Coordinator.Client, R> call) throws TException {
        return client.call(Services.COORDINATOR, new Coordinator.Client.Factory(), call, CALL_MS);
    }

    private HttpResponse<String> health() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.metricsPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
    }
}
