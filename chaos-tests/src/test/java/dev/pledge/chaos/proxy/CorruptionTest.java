package dev.pledge.chaos.proxy;

import dev.pledge.rpc.Services;
import dev.pledge.wire.ExchangeRequest;
import dev.pledge.wire.ExchangeResponse;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PrepareItem;
import dev.pledge.wire.PrepareResponse;
import dev.pledge.wire.TxId;
import dev.pledge.wire.Vote;
import org.apache.thrift.TException;
import org.apache.thrift.TMultiplexedProcessor;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TMultiplexedProtocol;
import org.apache.thrift.transport.TMemoryBuffer;
import org.apache.thrift.transport.TMemoryInputTransport;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each corruption the proxy makes is one that Thrift's framing or protocol notices: the premise of "rejected cleanly". */
class CorruptionTest {
    private static final int FRAME_MAX = 16 * 1024 * 1024;

    @Test
    void everyCorruptedRequestIsRefusedBeforeAnyHandlerRuns() throws Exception {
        for (Corruption c : Corruption.values()) {
            AtomicInteger handled = new AtomicInteger();
            TMultiplexedProcessor server = new TMultiplexedProcessor();
            server.registerProcessor(Services.PARTICIPANT, new Participant.Processor<>(countingHandler(handled)));
            TMemoryBuffer out = new TMemoryBuffer(1024);
            boolean refused;
            try {
                server.process(framedReader(c.apply(exchangeRequest())), new TBinaryProtocol(out));
                refused = isException(out);
            } catch (TException e) {
                refused = true;
            }
            assertThat(refused).as("%s refused", c).isTrue();
            assertThat(handled).as("handler calls after %s", c).hasValue(0);
        }
    }

    @Test
    void theUncorruptedRequestReachesTheHandler() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        TMultiplexedProcessor server = new TMultiplexedProcessor();
        server.registerProcessor(Services.PARTICIPANT, new Participant.Processor<>(countingHandler(handled)));
        byte[] payload = exchangeRequest();
        byte[] framed = java.nio.ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
        server.process(framedReader(framed), new TBinaryProtocol(new TMemoryBuffer(1024)));
        assertThat(handled).hasValue(1);
    }

    @Test
    void everyCorruptionMeantForRepliesFailsTheCallerInsteadOfAnsweringIt() throws Exception {
        for (Corruption c : Corruption.values()) {
            if (!c.detectableIn(Direction.REPLY)) continue;
            byte[] wire = c.apply(exchangeReply());
            assertThatThrownBy(() -> new Participant.Client(framedReader(wire)).recv_exchange()).as("%s", c)
                    .isInstanceOf(TException.class);
        }
        assertThat(Arrays.stream(Corruption.values()).filter(c -> !c.detectableIn(Direction.REPLY)))
                .as("replies are not matched by method name, so a garbled name would pass").containsExactly(Corruption.UNKNOWN_METHOD);
    }

    private static byte[] exchangeRequest() throws TException {
        TMemoryBuffer buffer = new TMemoryBuffer(256);
        new Participant.Client(new TMultiplexedProtocol(new TBinaryProtocol(buffer), Services.PARTICIPANT))
                .send_exchange(new ExchangeRequest(1_000,
                        List.of(new PrepareItem(new TxId("coord-1", 1, 7), List.of("A", "B"), 1)), List.of()));
        return Arrays.copyOf(buffer.getArray(), buffer.length());
    }

    private static byte[] exchangeReply() throws TException {
        TMemoryBuffer buffer = new TMemoryBuffer(256);
        TBinaryProtocol p = new TBinaryProtocol(buffer);
        p.writeMessageBegin(new TMessage("exchange", TMessageType.REPLY, 0));
        new Participant.exchange_result().setSuccess(new ExchangeResponse(List.of(new PrepareResponse(Vote.YES)), List.of()))
                .write(p);
        p.writeMessageEnd();
        return Arrays.copyOf(buffer.getArray(), buffer.length());
    }

    /**
     * What a framed reader does: refuse a length outside [0, limit] or unlike the bytes that follow
     * (a {@link FramingRefused}), else read the message with strict binary protocol.
     */
    private static TBinaryProtocol framedReader(byte[] wire) throws TException {
        int length = java.nio.ByteBuffer.wrap(wire, 0, 4).getInt();
        if (length < 0 || length > FRAME_MAX || length != wire.length - 4) throw new FramingRefused(length);
        return new TBinaryProtocol(new TMemoryInputTransport(Arrays.copyOfRange(wire, 4, wire.length)), -1, -1, true, true);
    }

    private static final class FramingRefused extends TException {
        FramingRefused(int length) {
            super("frame length " + length + " refused");
        }
    }

    private static boolean isException(TMemoryBuffer out) throws TException {
        if (out.length() == 0) return false;
        return new TBinaryProtocol(out).readMessageBegin().type == TMessageType.EXCEPTION;
    }

    private static Participant.Iface countingHandler(AtomicInteger calls) {
        return (Participant.Iface) Proxy.newProxyInstance(Participant.Iface.class.getClassLoader(),
                new Class<?>[] {Participant.Iface.class}, (proxy, method, args) -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("a corrupted request reached " + method.getName());
                });
    }
}
