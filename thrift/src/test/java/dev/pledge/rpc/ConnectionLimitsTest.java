package dev.pledge.rpc;

import static dev.pledge.testkit.RawSockets.assertClosedByServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pledge.testkit.DedupKv;
import dev.pledge.testkit.KvCalls;
import dev.pledge.testkit.ManualTime;
import dev.pledge.testkit.TestServers;
import dev.pledge.wire.Kv;
import dev.pledge.wire.TxContext;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.thrift.TException;
import org.apache.thrift.TMultiplexedProcessor;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TMultiplexedProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.layered.TFramedTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The server's connection limits (issue 15, item 1): idle and slow connections cost no worker,
 * and each limit closes the newest offender with a WARN line while everyone else is served.
 * Attackers connect from other loopback addresses (127.0.0.2 and up) so that the per-address
 * limit applies to them and not to the honest client on 127.0.0.1.
 */
class ConnectionLimitsTest {
    private final DedupKv kv = new DedupKv();
    private final List<Socket> sockets = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger serverLog = (Logger) LoggerFactory.getLogger(RpcServer.class);
    private RpcServer server;

    @BeforeEach
    void captureLogs() {
        logs.start();
        serverLog.addAppender(logs);
    }

    @AfterEach
    void tearDown() throws IOException {
        serverLog.detachAppender(logs);
        for (Socket s : sockets) s.close();
        if (server != null) server.close();
    }

    @Test
    void idleConnectionsHoldNoWorker() throws Exception {
        start(ServerLimits.DEFAULTS.withWorkers(2));
        for (int i = 0; i < 200; i++) connect("127.0.0.2");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 200);

        putFromHonestClient(1);

        assertThat(kv.invokedOpSeqs()).containsExactly(1L);
        assertThat(warnings()).isEmpty();
    }

    @Test
    void theNewestConnectionOverThePerAddressLimitIsClosedWithAWarning() throws Exception {
        start(ServerLimits.DEFAULTS.withConnections(100, 5));
        for (int i = 0; i < 5; i++) connect("127.0.0.2");
        Socket sixth = connect("127.0.0.2");

        assertClosedByServer(sixth);
        await().atMost(Duration.ofSeconds(10)).until(() -> !warnings().isEmpty());
        assertThat(warnings()).singleElement().asString()
                .contains("refusing connection from /127.0.0.2").contains("maxConnectionsPerAddress 5");
        assertThat(server.openConnections()).isEqualTo(5);
        putFromHonestClient(1);
    }

    @Test
    void theNewestConnectionOverTheTotalLimitIsClosedWithAWarning() throws Exception {
        start(ServerLimits.DEFAULTS.withConnections(6, 3));
        for (int i = 0; i < 3; i++) connect("127.0.0.2");
        for (int i = 0; i < 3; i++) connect("127.0.0.3");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 6);

        assertClosedByServer(connect("127.0.0.4"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !warnings().isEmpty());
        assertThat(warnings()).singleElement().asString()
                .contains("refusing connection from /127.0.0.4").contains("maxConnections 6");

        sockets.get(0).close();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 5);
        putFromHonestClient(1);
    }

    @Test
    void manyRefusalsMakeOneWarningASecondNotOneEach() throws Exception {
        start(ServerLimits.DEFAULTS.withConnections(100, 1));
        connect("127.0.0.2");
        for (int i = 0; i < 50; i++) assertClosedByServer(connect("127.0.0.2"));

        assertThat(warnings()).hasSizeLessThanOrEqualTo(3);
    }

    @Test
    void aFrameThatTricklesIsClosedAfterTheFrameTimeout() throws Exception {
        start(ServerLimits.DEFAULTS.withTimeouts(300, 60_000));
        Socket trickler = connect("127.0.0.2");
        DataOutputStream out = new DataOutputStream(trickler.getOutputStream());
        out.writeInt(100);
        out.write(1);
        long startNs = System.nanoTime();

        assertClosedByServer(trickler);
        assertThat(Duration.ofNanos(System.nanoTime() - startNs)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        await().atMost(Duration.ofSeconds(10)).until(() -> !warnings().isEmpty());
        assertThat(warnings()).singleElement().asString().contains("/127.0.0.2")
                .contains("still incomplete").contains("5 bytes arrived").contains("frameTimeoutMs 300");
        putFromHonestClient(1);
    }

    @Test
    void anIdleConnectionIsClosedQuietlyAfterTheIdleTimeout() throws Exception {
        start(ServerLimits.DEFAULTS.withTimeouts(10_000, 300));
        Socket idle = connect("127.0.0.2");

        assertClosedByServer(idle);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
        assertThat(warnings()).isEmpty();
    }

    @Test
    void requestsBufferedOverTheServerBudgetCloseTheConnectionThatWouldPassIt() throws Exception {
        int frame = 1024 * 1024;
        start(ServerLimits.DEFAULTS.withMaxFrameBytes(frame).withMaxBufferedBytes(frame));
        Socket big = connect("127.0.0.2");
        DataOutputStream bigOut = new DataOutputStream(big.getOutputStream());
        bigOut.writeInt(frame);
        bigOut.write(new byte[frame - 10]);
        bigOut.flush();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.bufferedBytes() == frame);

        Socket second = connect("127.0.0.3");
        new DataOutputStream(second.getOutputStream()).writeInt(100);

        assertClosedByServer(second);
        await().atMost(Duration.ofSeconds(10)).until(() -> !warnings().isEmpty());
        assertThat(warnings()).singleElement().asString().contains("/127.0.0.3").contains("maxBufferedBytes " + frame);
        big.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.bufferedBytes() == 0);
        putFromHonestClient(1);
        assertThat(server.bufferedBytes()).isZero();
    }

    @Test
    void pipelinedRequestsOnOneConnectionAreAnsweredInOrder() throws Exception {
        start(ServerLimits.DEFAULTS);
        try (TSocket socket = new TSocket("127.0.0.1", server.port())) {
            socket.open();
            TFramedTransport framed = new TFramedTransport(socket);
            // One client per request: a Thrift client expects the reply to its latest request only.
            List<Kv.Client> clients = new ArrayList<>();
            for (long opSeq = 1; opSeq <= 3; opSeq++) {
                Kv.Client client = new Kv.Client(new TMultiplexedProtocol(new TBinaryProtocol(framed), Services.KV));
                client.send_put(new TxContext(KvCalls.TX, opSeq, 5_000), ByteBuffer.wrap(new byte[] {1}),
                        ByteBuffer.wrap(new byte[] {2}));
                clients.add(client);
            }
            for (Kv.Client client : clients) client.recv_put();
        }
        assertThat(kv.invokedOpSeqs()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aClientThatShutsDownItsOutputStillGetsItsReply() throws Exception {
        start(ServerLimits.DEFAULTS);
        try (TSocket socket = new TSocket("127.0.0.1", server.port())) {
            socket.open();
            Kv.Client client = new Kv.Client(new TMultiplexedProtocol(
                    new TBinaryProtocol(new TFramedTransport(socket)), Services.KV));
            client.send_put(new TxContext(KvCalls.TX, 1, 5_000), ByteBuffer.wrap(new byte[] {1}),
                    ByteBuffer.wrap(new byte[] {2}));
            socket.getSocket().shutdownOutput();
            client.recv_put();
        }
        assertThat(kv.invokedOpSeqs()).containsExactly(1L);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
    }

    @Test
    void aReplyLargerThanTheSocketTakesAtOnceStillArrivesWhole() throws Exception {
        start(ServerLimits.DEFAULTS);
        byte[] value = new byte[8 * 1024 * 1024];
        new Random(5).nextBytes(value);
        kv.put(new TxContext(KvCalls.TX, 1, 5_000), ByteBuffer.wrap(new byte[] {9}), ByteBuffer.wrap(value));
        try (RpcClient client = honestClient()) {
            ByteBuffer read = client.call(Services.KV, new Kv.Client.Factory(),
                    (c, ms) -> c.get(new TxContext(KvCalls.TX, 2, ms), ByteBuffer.wrap(new byte[] {9})).value, 10_000);
            assertThat(read).isEqualTo(ByteBuffer.wrap(value));
        }
    }

    private void start(ServerLimits limits) throws IOException {
        TMultiplexedProcessor processor = new TMultiplexedProcessor();
        processor.registerProcessor(Services.KV, new Kv.Processor<>(kv));
        server = RpcServer.start(TestServers.loopback().withLimits(limits), processor);
    }

    private Socket connect(String fromAddress) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(fromAddress, 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        s.setSoTimeout(10_000);
        return s;
    }

    private RpcClient honestClient() {
        return new RpcClient(TestServers.endpoint(server), RpcClientConfig.defaults().withMaxAttempts(1),
                new ManualTime(0), new Random(1));
    }

    /** One put by a client on 127.0.0.1, which must be served at once. */
    private void putFromHonestClient(long opSeq) throws TException {
        try (RpcClient client = honestClient()) {
            KvCalls.put(client, opSeq, 2_000);
        }
    }


    private List<String> warnings() {
        synchronized (logs) {
            return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }
}
