package dev.pledge.participant.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pledge.auth.OperatorToken;
import dev.pledge.core.TxId;
import dev.pledge.participant.ParticipantNode;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Admin;
import dev.pledge.wire.BranchState;
import dev.pledge.wire.InDoubtBranch;
import dev.pledge.wire.InDoubtRequest;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.Kv;
import dev.pledge.wire.NotAllowed;
import dev.pledge.wire.OperatorCredential;
import dev.pledge.wire.ResolveRequest;
import dev.pledge.wire.ResolveResponse;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.Vote;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.thrift.TException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Admin.resolve over real Thrift to a real node: only an operator may force a branch, a refusal is
 * one WARN line without the token, the forced decision's line names the operator, and the
 * read-only calls stay open to anyone.
 */
class OperatorAuthorizationTest {
    private static final long CALL_MS = 10_000;
    private static final TxId TX = new TxId("coord-1", 1, 1);

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private ScriptedCoordinator coordinator;
    private ParticipantNode node;
    private RpcClient client;

    /** A node with a prepared branch of TX whose coordinator is still deciding, so resolve may force it. */
    private void startWithInDoubtBranch(Path tokenFile) throws Exception {
        coordinator = new ScriptedCoordinator();
        ParticipantConfig config = ParticipantConfig.defaults("A", new Endpoint("127.0.0.1", 0),
                        Files.createDirectories(dir.resolve("data")), new Endpoint("127.0.0.1", coordinator.port()))
                .withInDoubtPollMs(60_000, 120_000)
                .withOperatorTokenFile(tokenFile);
        node = new ParticipantNode(config).start();
        client = new RpcClient(new Endpoint("127.0.0.1", node.port()), RpcClientConfig.defaults().withMaxAttempts(1));
        client.call(Services.KV, new Kv.Client.Factory(), (c, ms) -> {
            c.put(new TxContext(Wire.toWire(TX), 1, ms), utf8("k"), utf8("v"));
            return null;
        }, CALL_MS);
        assertThat(PhaseCalls.prepare(client, TX, node.incarnation(), CALL_MS).getVote()).isEqualTo(Vote.YES);
        logs.start();
        root.addAppender(logs);
    }

    private Path tokenFile() throws Exception {
        return OperatorTokens.file(dir);
    }

    @AfterEach
    void stop() {
        root.detachAppender(logs);
        if (client != null) client.close();
        if (node != null) node.stop();
        if (coordinator != null) coordinator.close();
    }

    @Test
    void resolveWithoutAnOperatorCredentialIsRefusedAndForcesNothing() throws Exception {
        startWithInDoubtBranch(tokenFile());

        assertThatThrownBy(() -> resolve(null)).isInstanceOf(NotAllowed.class)
                .hasMessageContaining("needs an operator identity");

        assertThat(listedStates()).containsExactly(BranchState.PREPARED);
        assertThat(refusals()).singleElement().asString()
                .contains("A refused resolve of tx " + TX).contains("no operator token presented")
                .containsPattern("from /127\\.0\\.0\\.1:\\d+ "); // the caller's address, from the RPC server
    }

    @Test
    void resolveWithAWrongTokenIsRefusedAndTheTokenIsNeverLogged() throws Exception {
        startWithInDoubtBranch(tokenFile());
        String wrong = "not-the-operator-token-0123456789";

        assertThatThrownBy(() -> resolve(new OperatorCredential("mallory").setToken(wrong)))
                .isInstanceOf(NotAllowed.class).hasMessageContaining("not the one node A was configured with");

        assertThat(listedStates()).containsExactly(BranchState.PREPARED);
        assertThat(refusals()).singleElement().asString()
                .contains("operator mallory").contains("a wrong operator token").doesNotContain(wrong);
    }

    @Test
    void resolveWithTheRightTokenForcesTheBranchAndTheLogNamesTheOperator() throws Exception {
        Path token = tokenFile();
        startWithInDoubtBranch(token);

        ResolveResponse r = resolve(new OperatorCredential("alice").setToken(OperatorToken.read(token)));

        assertThat(r.isForced()).isTrue();
        assertThat(r.getState()).isEqualTo(BranchState.HEURISTIC_COMMITTED);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lines(Level.ERROR))
                .anyMatch(line -> line.contains("tx " + TX) && line.contains("HEURISTIC_COMMITTED")
                        && line.contains("operator alice forced the in-doubt branch")));
    }

    @Test
    void aNodeWithoutAnOperatorTokenRefusesEveryResolveAndSaysHowToConfigureOne() throws Exception {
        startWithInDoubtBranch(null);

        assertThatThrownBy(() -> resolve(new OperatorCredential("alice").setToken("any-token-of-enough-length")))
                .isInstanceOf(NotAllowed.class).hasMessageContaining("--operator-token-file");

        assertThat(listedStates()).containsExactly(BranchState.PREPARED);
    }

    @Test
    void anOperatorNameThatCouldForgeALogLineIsInvalid() throws Exception {
        startWithInDoubtBranch(tokenFile());

        assertThatThrownBy(() -> resolve(new OperatorCredential("alice\nERROR forged").setToken("x")))
                .isInstanceOf(InvalidArgument.class).hasMessageContaining("operator.name");
    }

    @Test
    void readOnlyAdminCallsNeedNoOperator() throws Exception {
        startWithInDoubtBranch(tokenFile());

        assertThat(listedStates()).containsExactly(BranchState.PREPARED);
        assertThat(client.call(Services.ADMIN, new Admin.Client.Factory(), (c, ms) -> c.stats(), CALL_MS).getNodeId())
                .isEqualTo("A");
    }

    private ResolveResponse resolve(OperatorCredential operator) throws TException {
        return client.call(Services.ADMIN, new Admin.Client.Factory(), (c, ms) -> {
            ResolveRequest req = new ResolveRequest(ms, Wire.toWire(TX), true, true);
            if (operator != null) req.setOperator(operator);
            return c.resolve(req);
        }, CALL_MS);
    }

    private List<BranchState> listedStates() throws TException {
        return client.call(Services.ADMIN, new Admin.Client.Factory(), (c, ms) -> {
            InDoubtRequest req = new InDoubtRequest(ms);
            req.setIncludeHeuristic(true);
            return c.listInDoubt(req);
        }, CALL_MS).stream().map(InDoubtBranch::getState).toList();
    }

    private List<String> refusals() {
        return lines(Level.WARN).stream().filter(line -> line.contains(" refused ")).toList();
    }

    /** The appender adds under its own lock (AppenderBase), so the test copies under it too. */
    private List<String> lines(Level level) {
        synchronized (logs) {
            return logs.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
