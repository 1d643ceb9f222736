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
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.thrift.TException;
import org.apache.thrift.TMultiplexedProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class MalformedInputTest {
    private final DedupKv kv = new DedupKv();
    private final RpcServer server = TestServers.start(new TMultiplexedProcessor(), kv, null);
    private final RpcClient client = new RpcClient(TestServers.endpoint(server), RpcClientConfig.defaults(),
            new ManualTime(0), new Random(1));
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger serverLog = (Logger) LoggerFactory.getLogger(RpcServer.class);

    @BeforeEach
    void captureLogs() throws TException {
        logs.start();
        serverLog.addAppender(logs);
        put(1); // leaves a pooled connection open across the attack
    }

    @AfterEach
    void tearDown() {
        serverLog.detachAppender(logs);
        client.close();
        server.close();
    }

    @Test
    void garbageBytesCloseOnlyThatConnection() throws Exception {
        try (Socket raw = rawSocket()) {
            raw.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertClosedByServer(raw);
            assertOneWarningAbout(raw, "larger than max");
        }
        assertOthersStillServed();
    }

    @Test
    void oversizedFrameHeaderClosesOnlyThatConnection() throws Exception {
        try (Socket raw = rawSocket()) {
            new DataOutputStream(raw.getOutputStream()).writeInt(RpcClientConfig.DEFAULT_MAX_FRAME_BYTES + 1);
            assertClosedByServer(raw);
            assertOneWarningAbout(raw, "larger than max");
        }
        assertOthersStillServed();
    }

    @Test
    void wellFramedGarbageClosesOnlyThatConnection() throws Exception {
        try (Socket raw = rawSocket()) {
            DataOutputStream out = new DataOutputStream(raw.getOutputStream());
            out.writeInt(8);
            out.writeLong(0x0123456789abcdefL);
            assertClosedByServer(raw);
            assertOneWarningAbout(raw, "");
        }
        assertOthersStillServed();
    }

    private Socket rawSocket() throws IOException {
        Socket raw = new Socket("127.0.0.1", server.port());
        raw.setSoTimeout(10_000);
        return raw;
    }


    private void assertOneWarningAbout(Socket raw, String reason) {
        String peer = "" + raw.getLocalPort();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(warnings()).hasSize(1));
        assertThat(warnings().get(0)).contains(peer).contains(reason);
    }

    private List<String> warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private void assertOthersStillServed() throws TException {
        put(2);
        try (RpcClient fresh = new RpcClient(TestServers.endpoint(server), RpcClientConfig.defaults(),
                new ManualTime(0), new Random(2))) {
            KvCalls.put(fresh, 3, 5_000);
        }
        assertThat(kv.invokedOpSeqs()).containsExactly(1L, 2L, 3L);
    }

    private void put(long opSeq) throws TException {
        KvCalls.put(client, opSeq, 5_000);
    }
}
