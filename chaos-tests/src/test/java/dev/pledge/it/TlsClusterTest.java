package dev.pledge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pledge.client.CommitResult;
import dev.pledge.client.InDoubtException;
import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.core.TxState;
import dev.pledge.demo.certs.CertsCommand;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.RpcException;
import dev.pledge.rpc.RpcServer;
import dev.pledge.rpc.RpcServerConfig;
import dev.pledge.rpc.Services;
import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.tls.ExpectedServer;
import dev.pledge.tls.Role;
import dev.pledge.tls.TlsConfig;
import dev.pledge.tls.TlsFiles;
import dev.pledge.wire.Admin;
import dev.pledge.wire.ExchangeRequest;
import dev.pledge.wire.Kv;
import dev.pledge.wire.NotAllowed;
import dev.pledge.wire.Participant;
import dev.pledge.wire.ResolveRequest;
import dev.pledge.wire.TxId;
import dev.pledge.wire.UnknownTransaction;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.thrift.TException;
import org.apache.thrift.TMultiplexedProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Issue 15, items 4 and 5, end to end: a coordinator and two participants with certificates made
 * by {@code pledge certs}, TLS 1.3 with client certificates on every link. An application with a
 * client certificate commits across both; a plain TCP client is refused; a client certificate may
 * not call a participant's protocol methods (a forged exchange), and only an operator certificate
 * may force an outcome, without any token.
 */
class TlsClusterTest {
    @TempDir
    Path root;

    private Path certs;
    private InJvmCluster cluster;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger rootLog = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void start() throws Exception {
        certs = root.resolve("certs");
        int exit = new CommandLine(new CertsCommand()).execute("--out", certs.toString(), "--coordinators",
                InJvmCluster.COORDINATOR_ID, "--participants", "A,B", "--clients", "app", "--operators", "alice");
        assertThat(exit).as("pledge certs").isZero();
        cluster = new InJvmCluster(root, List.of("A", "B"), c -> misdial(c.withTls(files(InJvmCluster.COORDINATOR_ID))))
                .withParticipantTuning(c -> c.withTls(files(c.core().participantId())))
                .startAll();
        logs.start();
        rootLog.addAppender(logs);
    }

    @AfterEach
    void stop() {
        rootLog.detachAppender(logs);
        if (cluster != null) cluster.close();
    }

    @Test
    void anApplicationWithAClientCertificateCommitsAcrossBothParticipants() throws Exception {
        try (PledgeClient client = PledgeClient.builder().coordinator(cluster.coordinator()).rpcConfig(tls("app")).build();
             Transaction tx = client.begin(Duration.ofSeconds(10))) {
            put(tx, cluster.participant("A"));
            put(tx, cluster.participant("B"));
            CommitResult result = tx.commit();
            assertThat(result.state()).isEqualTo(TxState.COMMITTED);
        }
    }

    @Test
    void aPlainTcpClientIsRefused() {
        RpcClientConfig plain = RpcClientConfig.defaults().withMaxAttempts(1);
        try (PledgeClient client = PledgeClient.builder().coordinator(cluster.coordinator()).rpcConfig(plain).build()) {
            assertThatThrownBy(() -> client.begin(Duration.ofSeconds(5))).isInstanceOf(RpcException.class);
        }
    }

    @Test
    void aClientCertificateMayNotCallAParticipantsProtocol() throws Exception {
        try (RpcClient app = new RpcClient(cluster.participant("A"), tls("app"))) {
            assertThatThrownBy(() -> app.call(Services.PARTICIPANT, new Participant.Client.Factory(),
                    (c, ms) -> c.exchange(new ExchangeRequest(ms, List.of(), List.of())), 5_000))
                    .isInstanceOf(NotAllowed.class).hasMessageContaining("app").hasMessageContaining("client");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> warnings().stream()
                .anyMatch(w -> w.contains("A refused exchange from /127.0.0.1") && w.contains("app")));
        // Its own coordinator may: the commit above went through exchange.
        try (RpcClient coordinator = new RpcClient(cluster.participant("A"), tls(InJvmCluster.COORDINATOR_ID))) {
            coordinator.call(Services.PARTICIPANT, new Participant.Client.Factory(),
                    (c, ms) -> c.exchange(new ExchangeRequest(ms, List.of(), List.of())), 5_000);
        }
    }

    @Test
    void onlyAnOperatorCertificateMayForceAnOutcome() throws Exception {
        ResolveRequest resolve = new ResolveRequest(5_000, new TxId(InJvmCluster.COORDINATOR_ID, 1, 1), true, true);
        try (RpcClient app = new RpcClient(cluster.participant("A"), tls("app"))) {
            assertThatThrownBy(() -> app.call(Services.ADMIN, new Admin.Client.Factory(), (c, ms) -> c.resolve(resolve), 5_000))
                    .isInstanceOf(NotAllowed.class);
        }
        try (RpcClient alice = new RpcClient(cluster.participant("A"), tls("alice"))) {
            // Past the operator check, no token needed: the transaction is simply not in doubt here.
            assertThatThrownBy(() -> alice.call(Services.ADMIN, new Admin.Client.Factory(), (c, ms) -> c.resolve(resolve), 5_000))
                    .isInstanceOf(UnknownTransaction.class);
        }
    }

    @Test
    void aClientCertificateCannotPoseAsANode() throws Exception {
        // Signed by the cluster's CA, but an application's: a node calling it must not take it for a member.
        // Two layers refuse it: pledge certs gives such certificates the clientAuth key usage only (the JDK's
        // check), and RpcTls's server check wants a coordinator or participant role (for certificates made otherwise).
        RpcServerConfig posing = RpcServerConfig.defaults("127.0.0.1", 0)
                .withTls(TlsConfig.load(files("app"), Clock.systemUTC()).rpc());
        try (RpcServer impostor = RpcServer.start(posing, new TMultiplexedProcessor());
             RpcClient coordinator = new RpcClient(new Endpoint("127.0.0.1", impostor.port()), tls(InJvmCluster.COORDINATOR_ID))) {
            assertThatThrownBy(() -> coordinator.call(Services.PARTICIPANT, new Participant.Client.Factory(),
                    (c, ms) -> c.ping(), 5_000))
                    .isInstanceOf(RpcException.class).hasMessageContaining("TLS connection to");
        }
    }

    @Test
    void aParticipantPresentingAnotherParticipantsCertificateIsRefused() throws Exception {
        RpcClientConfig toA = ExpectedServer.dialling(tls(InJvmCluster.COORDINATOR_ID), Role.PARTICIPANT, "A");
        try (RpcClient misdialled = new RpcClient(cluster.participant("B"), toA)) {
            assertThatThrownBy(() -> misdialled.call(Services.PARTICIPANT, new Participant.Client.Factory(), (c, ms) -> c.ping(), 5_000))
                    .isInstanceOf(RpcException.class)
                    .hasMessageContaining("refused server " + cluster.participant("B"))
                    .hasMessageContaining("the server is participant B, expected participant A");
        }
        try (RpcClient dialled = new RpcClient(cluster.participant("A"), toA)) {
            assertThat(dialled.call(Services.PARTICIPANT, new Participant.Client.Factory(), (c, ms) -> c.ping(), 5_000).getNodeId())
                    .isEqualTo("A");
        }
    }

    @Test
    void aCoordinatorWhoseRegistryMixesUpTwoParticipantsRefusesBothWithAWarning() throws Exception {
        // Participant ids swapped for their addresses: each answers with its own certificate, so the coordinator
        // refuses both and the transaction aborts, instead of committing each branch at the other node's door.
        cluster.stopCoordinator();
        misdialled = true;
        cluster.startCoordinator();
        try (PledgeClient client = PledgeClient.builder().coordinator(cluster.coordinator()).rpcConfig(tls("app"))
                .commitGrace(Duration.ofSeconds(1)).build();
             Transaction tx = client.begin(Duration.ofSeconds(2))) {
            put(tx, cluster.participant("A"));
            put(tx, cluster.participant("B"));
            TxState outcome;
            try {
                outcome = tx.commit().state();
            } catch (InDoubtException unreachable) {
                outcome = null; // the coordinator reached neither participant it meant: no decision to tell
            }
            assertThat(outcome).as("outcome").isNotEqualTo(TxState.COMMITTED);
        }
        assertThat(warnings()).anyMatch(w -> w.contains("refused server " + cluster.participant("B"))
                && w.contains("the server is participant B, expected participant A"));
    }

    private boolean misdialled;

    /** With {@link #misdialled}, the coordinator's registry gives A the address of B and B that of A. */
    private CoordinatorConfig misdial(CoordinatorConfig c) {
        if (!misdialled) return c;
        CoordinatorConfig.Rpc rpc = c.rpc();
        Map<String, Endpoint> swapped = Map.of("A", rpc.participants().get("B"), "B", rpc.participants().get("A"));
        return new CoordinatorConfig(c.core(), new CoordinatorConfig.Rpc(rpc.listen(), swapped, rpc.participantReplicas(),
                rpc.participantCallTimeoutMs(), rpc.server(), rpc.senderThreadsMax(), rpc.decisionLingerMs(), rpc.client(),
                rpc.metrics(), rpc.tls()), c.storage());
    }

    private TlsFiles files(String name) {
        return TlsFiles.inDirectory(certs, name);
    }

    private RpcClientConfig tls(String name) {
        return RpcClientConfig.defaults().withMaxAttempts(1).withTls(TlsConfig.load(files(name), Clock.systemUTC()).rpc());
    }

    private static void put(Transaction tx, Endpoint participant) throws TException {
        tx.call(participant, Services.KV, new Kv.Client.Factory(), (c, ctx) -> {
            c.put(ctx, ByteBuffer.wrap(new byte[] {1}), ByteBuffer.wrap(new byte[] {2}));
            return null;
        });
    }

    private List<String> warnings() {
        synchronized (logs) {
            return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }
}
