package dev.pledge.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pledge.testkit.DedupKv;
import dev.pledge.testkit.KvCalls;
import dev.pledge.testkit.TestServers;
import dev.pledge.wire.Kv;
import dev.pledge.wire.KvGetResponse;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.Unavailable;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.thrift.TApplicationException;
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
 * Methods served inline: started on the io thread with no worker, answered by whichever thread
 * finishes them, with the same replies Thrift's own processor would give.
 */
class InlineMethodsTest {
    private static final ByteBuffer KEY = ByteBuffer.wrap(new byte[] {7});

    /** One started call: the thread that started it and the answer the test completes. */
    private record Started(String thread, CompletableFuture<KvGetResponse> answer) {}

    private final BlockingQueue<Started> started = new LinkedBlockingQueue<>();
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger inlineLog = (Logger) LoggerFactory.getLogger(InlineMethods.class);
    private RpcServer server;
    private TSocket socket;
    private Kv.Client client;

    @BeforeEach
    void start() throws Exception {
        logs.start();
        inlineLog.addAppender(logs);
        TMultiplexedProcessor processor = new TMultiplexedProcessor();
        processor.registerProcessor(dev.pledge.rpc.Services.KV, new Kv.Processor<>(new DedupKv()));
        InlineMethods inline = InlineMethods.none().add(Services.KV, "get", Kv.get_args::new, Kv.get_result::new, args -> {
            CompletableFuture<KvGetResponse> answer = new CompletableFuture<>();
            started.add(new Started(Thread.currentThread().getName(), answer));
            return answer;
        });
        server = RpcServer.start(TestServers.loopback(), processor, inline);
        socket = new TSocket("127.0.0.1", server.port(), 10_000);
        TFramedTransport framed = new TFramedTransport(socket);
        framed.open();
        client = new Kv.Client(new TMultiplexedProtocol(new TBinaryProtocol(framed), Services.KV));
    }

    @AfterEach
    void stop() {
        inlineLog.detachAppender(logs);
        socket.close();
        server.close();
        callers.shutdownNow();
    }

    @Test
    void aCallStartsOnTheIoThreadAndIsAnsweredByTheThreadThatFinishesIt() throws Exception {
        Future<KvGetResponse> reply = callers.submit(() -> client.get(new TxContext(KvCalls.TX, 1, 5_000), KEY));
        Started call = started.poll(10, TimeUnit.SECONDS);
        assertThat(call).as("the inline handler ran").isNotNull();
        assertThat(call.thread()).startsWith("rpc-server-io-");
        assertThat(reply).as("no answer before the handler's future completes").isNotDone();

        Thread finisher = new Thread(() -> call.answer().complete(new KvGetResponse().setValue(new byte[] {42})), "finisher");
        finisher.start();
        assertThat(reply.get(10, TimeUnit.SECONDS).getValue()).containsExactly(42);
    }

    @Test
    void aDeclaredExceptionReachesTheCallerAsItself() throws Exception {
        Future<KvGetResponse> reply = callers.submit(() -> client.get(new TxContext(KvCalls.TX, 1, 5_000), KEY));
        started.poll(10, TimeUnit.SECONDS).answer().completeExceptionally(new Unavailable("the core is full"));
        assertThatThrownBy(() -> reply.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(Unavailable.class)
                .hasMessageContaining("the core is full");
    }

    @Test
    void anUndeclaredFailureIsAnInternalErrorLoggedAsABugAndTheConnectionServesOn() throws Exception {
        Future<KvGetResponse> reply = callers.submit(() -> client.get(new TxContext(KvCalls.TX, 1, 5_000), KEY));
        started.poll(10, TimeUnit.SECONDS).answer().completeExceptionally(new IllegalStateException("a broken invariant"));
        assertThatThrownBy(() -> reply.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(TApplicationException.class)
                .satisfies(e -> assertThat(((TApplicationException) e).getType())
                        .isEqualTo(TApplicationException.INTERNAL_ERROR));
        await().atMost(Duration.ofSeconds(5)).until(() -> logs.list.stream().anyMatch(e -> e.getLevel() == Level.ERROR));

        // The same connection still serves: an inline call, and a method that runs on a worker.
        Future<KvGetResponse> next = callers.submit(() -> client.get(new TxContext(KvCalls.TX, 2, 5_000), KEY));
        started.poll(10, TimeUnit.SECONDS).answer().complete(new KvGetResponse());
        assertThat(next.get(10, TimeUnit.SECONDS).isSetValue()).isFalse();
        client.put(new TxContext(KvCalls.TX, 3, 5_000), KEY, ByteBuffer.wrap(new byte[] {1}));
    }
}
