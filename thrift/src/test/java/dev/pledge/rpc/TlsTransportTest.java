package dev.pledge.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pledge.testkit.DedupKv;
import dev.pledge.testkit.KeytoolCerts;
import dev.pledge.testkit.KvCalls;
import dev.pledge.testkit.ManualTime;
import dev.pledge.testkit.TestServers;
import dev.pledge.wire.Kv;
import dev.pledge.wire.KvGetResponse;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.Unavailable;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.apache.thrift.TException;
import org.apache.thrift.TMultiplexedProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * TLS 1.3 with mutual authentication on the non-blocking server (issue 15, item 4): a client with
 * a certificate of the cluster's CA is served and its certificate reaches the handler; a client
 * without one, with one of another CA, with an expired one, or speaking plain TCP is refused with
 * one clear WARN line while others are served.
 */
class TlsTransportTest {
    private static KeytoolCerts cluster;
    private static KeytoolCerts stranger;

    private final DedupKv kv = new DedupKv();
    private final List<String> callers = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger serverLog = (Logger) LoggerFactory.getLogger(RpcServer.class);
    private RpcServer server;

    @BeforeAll
    static void makeCertificates() throws Exception {
        Path dir = Files.createTempDirectory("pledge-tls-test");
        cluster = KeytoolCerts.newCa(dir, "cluster-ca");
        cluster.sign("course-c", null, 2);
        cluster.sign("coord-1", null, 2);
        cluster.sign("expired", "-10d", 1);
        stranger = KeytoolCerts.newCa(dir, "other-ca");
        stranger.sign("intruder", null, 2);
    }

    @BeforeEach
    void start() throws Exception {
        logs.start();
        serverLog.addAppender(logs);
        TMultiplexedProcessor processor = new TMultiplexedProcessor();
        processor.registerProcessor(Services.KV, new Kv.Processor<>(new CallerRecordingKv()));
        server = RpcServer.start(TestServers.loopback().withTls(new RpcTls(cluster.context("course-c"))), processor);
    }

    @AfterEach
    void stop() {
        serverLog.detachAppender(logs);
        server.close();
    }

    @Test
    void aClientWithAClusterCertificateIsServedAndNamedToTheHandler() throws Exception {
        put(cluster.context("coord-1"), 1);

        assertThat(kv.invokedOpSeqs()).containsExactly(1L);
        assertThat(callers).containsExactly("CN=coord-1");
        assertThat(warnings()).isEmpty();
    }

    @Test
    void aReplyLargerThanOneRecordArrivesWhole() throws Exception {
        byte[] value = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(value);
        kv.put(new TxContext(KvCalls.TX, 1, 5_000), ByteBuffer.wrap(new byte[] {9}), ByteBuffer.wrap(value));
        try (RpcClient client = client(cluster.context("coord-1"))) {
            ByteBuffer read = client.call(Services.KV, new Kv.Client.Factory(),
                    (c, ms) -> c.get(new TxContext(KvCalls.TX, 2, ms), ByteBuffer.wrap(new byte[] {9})).value, 10_000);
            assertThat(read).isEqualTo(ByteBuffer.wrap(value));
        }
    }

    @Test
    void aClientWithoutACertificateIsRefused() throws Exception {
        assertRefused(cluster.context(null));
    }

    @Test
    void aClientWithACertificateOfAnotherCaIsRefused() throws Exception {
        assertRefused(stranger.context("intruder", cluster)); // it trusts the server; the server must not trust it
    }

    @Test
    void aClientWithAnExpiredCertificateIsRefused() throws Exception {
        assertRefused(cluster.context("expired"));
    }

    @Test
    void aPlainTcpClientIsRefusedAndOthersAreServed() throws Exception {
        try (RpcClient plain = new RpcClient(TestServers.endpoint(server), RpcClientConfig.defaults().withMaxAttempts(1),
                new ManualTime(0), new Random(1))) {
            assertThatThrownBy(() -> KvCalls.put(plain, 1, 5_000)).isInstanceOf(TException.class);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !warnings().isEmpty());
        assertThat(warnings()).singleElement().asString().contains("closing connection from /127.0.0.1").contains("TLS");
        put(cluster.context("coord-1"), 2);
        assertThat(kv.invokedOpSeqs()).containsExactly(2L);
    }

    @Test
    void aClientRefusesAServerItsCheckRejects() throws Exception {
        RpcClientConfig picky = RpcClientConfig.defaults().withMaxAttempts(1)
                .withTls(new RpcTls(cluster.context("coord-1"), session -> "not the node it dialled"));
        try (RpcClient client = new RpcClient(TestServers.endpoint(server), picky, new ManualTime(0), new Random(1))) {
            assertThatThrownBy(() -> KvCalls.put(client, 1, 5_000)).isInstanceOf(RpcException.class)
                    .hasMessageContaining("refused server 127.0.0.1:").hasMessageContaining(": not the node it dialled");
        }
        assertThat(kv.invokedOpSeqs()).isEmpty();
    }

    @Test
    void tls12IsRefused() throws Exception {
        try (SSLSocket socket = (SSLSocket) cluster.context("coord-1").getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.setSoTimeout(10_000);
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLException.class);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !warnings().isEmpty());
        assertThat(warnings()).singleElement().asString().contains("TLS");
    }

    private void assertRefused(SSLContext clientContext) throws Exception {
        assertThatThrownBy(() -> put(clientContext, 1)).isInstanceOf(TException.class);
        assertThat(kv.invokedOpSeqs()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> !warnings().isEmpty());
        assertThat(warnings()).singleElement().asString().contains("closing connection from /127.0.0.1").contains("TLS");
        put(cluster.context("coord-1"), 2);
        assertThat(kv.invokedOpSeqs()).containsExactly(2L);
    }

    private RpcClient client(SSLContext context) {
        return new RpcClient(TestServers.endpoint(server),
                RpcClientConfig.defaults().withMaxAttempts(1).withTls(new RpcTls(context)), new ManualTime(0), new Random(1));
    }

    private void put(SSLContext context, long opSeq) throws TException {
        try (RpcClient client = client(context)) {
            KvCalls.put(client, opSeq, 5_000);
        }
    }

    private List<String> warnings() {
        synchronized (logs) {
            return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }

    /** The Kv of {@link DedupKv}, noting who called each put. */
    private final class CallerRecordingKv implements Kv.Iface {
        @Override
        public KvGetResponse get(TxContext ctx, ByteBuffer key) throws Unavailable {
            return kv.get(ctx, key);
        }

        @Override
        public void put(TxContext ctx, ByteBuffer key, ByteBuffer value) throws Unavailable {
            RpcServer.currentPeerCertificates().stream().findFirst()
                    .ifPresent(c -> callers.add(((X509Certificate) c).getSubjectX500Principal().getName()));
            kv.put(ctx, key, value);
        }

        @Override
        public void remove(TxContext ctx, ByteBuffer key) throws Unavailable {
            kv.remove(ctx, key);
        }
    }
}
