package dev.pledge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pledge.client.CommitResult;
import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.core.TxState;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcServer;
import dev.pledge.rpc.Services;
import dev.pledge.wire.Kv;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.thrift.TException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 15, item 1, as a user met it: idle TCP connections used to take one of a participant's 64
 * workers each, so about 62 of them made it refuse every new client. Here 1,000 idle connections
 * and 50 that trickle a byte now and then sit on one participant while a new client commits a
 * transaction across it and another participant, within 1 s. Then the limits act as configured:
 * connections over the per-address limit are refused, the tricklers are closed after the frame
 * timeout, each with WARN lines (at most one a second per limit).
 */
class ConnectionFloodTest {
    private static final int IDLE = 1_000;
    private static final int TRICKLING = 50;
    private static final int PER_ADDRESS = 300;
    private static final long FRAME_TIMEOUT_MS = 3_000;

    @TempDir
    Path root;

    private InJvmCluster cluster;
    private final List<Socket> sockets = new ArrayList<>();
    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger serverLog = (Logger) LoggerFactory.getLogger(RpcServer.class);

    @BeforeEach
    void start() throws IOException {
        cluster = new InJvmCluster(root, List.of("A", "B"), c -> c)
                .withParticipantTuning(c -> c.withServerLimits(c.rpc().server()
                        .withConnections(4_096, PER_ADDRESS).withTimeouts(FRAME_TIMEOUT_MS, 60_000)))
                .startAll();
        logs.start();
        serverLog.addAppender(logs);
    }

    @AfterEach
    void stop() throws IOException {
        trickle.shutdownNow();
        serverLog.detachAppender(logs);
        for (Socket s : sockets) s.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void aNewClientCommitsWithinOneSecondBesideIdleAndTricklingConnections() throws Exception {
        Endpoint a = cluster.participant("A");
        for (int i = 0; i < IDLE; i++) connect(a, "127.0.0." + (2 + i % 4)); // 250 from each of four addresses
        List<OutputStream> tricklers = new ArrayList<>();
        for (int i = 0; i < TRICKLING; i++) {
            OutputStream out = connect(a, "127.0.0.6").getOutputStream();
            out.write(new byte[] {0, 0, 1, 0}); // a 256-byte frame that never ends
            tricklers.add(out);
        }
        trickle.scheduleAtFixedRate(() -> tricklers.forEach(ConnectionFloodTest::oneByte), 100, 100, TimeUnit.MILLISECONDS);
        assertThat(warnings()).isEmpty();

        long startNs = System.nanoTime();
        try (PledgeClient client = PledgeClient.builder().coordinator(cluster.coordinator()).build();
             Transaction tx = client.begin(Duration.ofSeconds(10))) {
            put(tx, a);
            put(tx, cluster.participant("B"));
            CommitResult result = tx.commit();
            Duration took = Duration.ofNanos(System.nanoTime() - startNs);
            System.out.println("committed beside " + IDLE + " idle and " + TRICKLING + " trickling connections in "
                    + took.toMillis() + " ms");
            assertThat(result.state()).isEqualTo(TxState.COMMITTED);
            assertThat(took).isLessThan(Duration.ofSeconds(1));
        }

        for (int i = 0; i < 60; i++) connect(a, "127.0.0.2"); // 310 from it: ten over its 300
        await().atMost(Duration.ofSeconds(10)).until(() -> warnings().stream()
                .anyMatch(w -> w.contains("refusing connection from /127.0.0.2") && w.contains("maxConnectionsPerAddress 300")));
        await().atMost(Duration.ofSeconds(FRAME_TIMEOUT_MS / 1000 + 10)).until(() -> warnings().stream()
                .anyMatch(w -> w.contains("/127.0.0.6") && w.contains("still incomplete")));
        assertThat(warnings()).as("one line a second per limit, not one per connection").hasSizeLessThan(15);
    }

    private Socket connect(Endpoint to, String fromAddress) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(fromAddress, 0));
        s.connect(new InetSocketAddress(to.host(), to.port()), 5_000);
        return s;
    }

    private static void oneByte(OutputStream out) {
        try {
            out.write(1);
        } catch (IOException closedByTheServer) {
            // the frame timeout did its work
        }
    }

    private static void put(Transaction tx, Endpoint participant) throws TException {
        tx.call(participant, Services.KV, new Kv.Client.Factory(), (c, ctx) -> {
            c.put(ctx, ByteBuffer.wrap(new byte[] {1}), ByteBuffer.wrap(new byte[] {2}));
            return null;
        });
    }

    private List<String> warnings() {
        synchronized (logs) { // the appender adds under this lock
            return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }
}
