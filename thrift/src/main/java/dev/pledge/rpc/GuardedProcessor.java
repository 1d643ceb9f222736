package dev.pledge.rpc;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TConfiguration;
import org.apache.thrift.TException;
import org.apache.thrift.TProcessor;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolException;
import org.apache.thrift.protocol.TProtocolFactory;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;
import org.apache.thrift.transport.TMemoryInputTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one whole request frame through the services and returns the reply frame. Bad input
 * (garbage, a message longer or shorter than its frame, an unknown service) gets one WARN line
 * naming the peer and null, which closes that connection; without this Thrift logs a stack trace
 * at ERROR.
 */
final class GuardedProcessor {
    private static final Logger log = LoggerFactory.getLogger(RpcServer.class);
    private static final int FRAME_HEADER_BYTES = 4;
    /** Written first and overwritten with the reply's length, so the reply is one frame with no copy. */
    private static final byte[] LENGTH_PLACEHOLDER = new byte[FRAME_HEADER_BYTES];
    private static final int REPLY_FIRST_BYTES = 256;

    private final TProcessor delegate;
    private final InlineMethods inline;
    private final TConfiguration configuration;
    private final TProtocolFactory protocols;

    GuardedProcessor(TProcessor delegate, InlineMethods inline, int maxFrameBytes) {
        this.delegate = delegate;
        this.inline = inline;
        this.configuration = new TConfiguration(maxFrameBytes, maxFrameBytes, TConfiguration.DEFAULT_RECURSION_DEPTH);
        this.protocols = new TBinaryProtocol.Factory(true, true, maxFrameBytes, maxFrameBytes);
    }

    /** Who sent the request this thread serves now; null on any other thread. */
    static final ThreadLocal<RpcServer.Caller> CURRENT_CALLER = new ThreadLocal<>();

    /** The reply as a whole frame (length first), or null after bad input, already logged. */
    ByteBuffer serve(ByteBuffer request, RpcServer.Caller caller) {
        CURRENT_CALLER.set(caller);
        try {
            return serveAs(request, caller.address());
        } finally {
            CURRENT_CALLER.remove();
        }
    }

    private ByteBuffer serveAs(ByteBuffer request, String peer) {
        TMemoryBuffer out;
        try {
            out = replyBuffer();
            if (!process(protocols.getProtocol(input(request)), protocols.getProtocol(out), peer)) return null;
        } catch (TException e) {
            return reject(peer, e);
        }
        return frame(out);
    }

    private TMemoryInputTransport input(ByteBuffer request) throws TException {
        return new TMemoryInputTransport(configuration, request.array(), 0, request.limit());
    }

    private TMemoryBuffer replyBuffer() throws TException {
        TMemoryBuffer out = new TMemoryBuffer(configuration, REPLY_FIRST_BYTES);
        out.write(LENGTH_PLACEHOLDER);
        return out;
    }

    private static ByteBuffer frame(TMemoryBuffer out) {
        ByteBuffer frame = ByteBuffer.wrap(out.getArray(), 0, out.length());
        frame.putInt(0, out.length() - FRAME_HEADER_BYTES);
        return frame;
    }

    /** A request for an {@linkplain InlineMethods inline method}, its arguments read. */
    final class InlineCall<A> {
        private final InlineMethods.Method<A, ?, ?> method;
        private final A args;
        private final int seqid;

        private InlineCall(InlineMethods.Method<A, ?, ?> method, A args, int seqid) {
            this.method = method;
            this.args = args;
            this.seqid = seqid;
        }

        /**
         * Starts the call on this thread, as {@code caller}; {@code reply} gets the reply frame from
         * whichever thread finishes the call, or null if it could not be written (close the connection).
         */
        void start(RpcServer.Caller caller, Consumer<ByteBuffer> reply) {
            CompletableFuture<?> result;
            CURRENT_CALLER.set(caller);
            try {
                result = method.start(args);
            } finally {
                CURRENT_CALLER.remove();
            }
            result.whenComplete((value, failure) -> reply.accept(replyFrame(value, failure, caller.address())));
        }

        private ByteBuffer replyFrame(Object value, Throwable failure, String peer) {
            try {
                TMemoryBuffer out = replyBuffer();
                method.writeReply(protocols.getProtocol(out), seqid, value, failure);
                return frame(out);
            } catch (TException | RuntimeException e) {
                log.warn("rpc-server could not write the reply of {} to {}: {}", method.name(), peer, e.toString());
                return null;
            }
        }
    }

    /**
     * {@code request} as an inline call, or null if it names no inline method or its arguments do
     * not read cleanly: a worker then serves it like any other request, with Thrift's own answers
     * to bad input.
     */
    InlineCall<?> inlineCall(ByteBuffer request) {
        if (inline.isEmpty()) return null;
        try {
            TProtocol in = protocols.getProtocol(input(request));
            TMessage message = in.readMessageBegin();
            if (message.type != TMessageType.CALL) return null;
            InlineMethods.Method<?, ?, ?> method = inline.find(message.name);
            return method == null ? null : read(method, in, message.seqid);
        } catch (TException | RuntimeException e) {
            return null;
        }
    }

    private <A> InlineCall<A> read(InlineMethods.Method<A, ?, ?> method, TProtocol in, int seqid) throws TException {
        return new InlineCall<>(method, method.readArgs(in), seqid);
    }

    private boolean process(TProtocol in, TProtocol out, String peer) {
        RecordingProtocol recording = new RecordingProtocol(in);
        try {
            delegate.process(recording, out);
            return true;
        } catch (TProtocolException e) {
            if (recording.message() != null && answerUnknownService(recording, out, peer, e)) return true;
            reject(peer, e);
        } catch (TException e) {
            // A message longer than its frame, or whatever else a processor could not handle.
            reject(peer, e);
        } catch (IndexOutOfBoundsException e) {
            // TBinaryProtocol's fast path reads a negative string or binary length this way (found by the fuzzer).
            reject(peer, e);
        }
        return false;
    }

    /**
     * The header was whole but names no registered service: generated processors answer their own
     * errors, so only the multiplexer's dispatch gets here. Answer it, so the caller sees a clear
     * non-retryable error instead of a dropped connection it would retry. False if that fails.
     */
    private static boolean answerUnknownService(RecordingProtocol in, TProtocol out, String peer, TProtocolException e) {
        TMessage message = in.message();
        try {
            in.skip(TType.STRUCT);
            in.readMessageEnd();
            out.writeMessageBegin(new TMessage(message.name, TMessageType.EXCEPTION, message.seqid));
            new TApplicationException(TApplicationException.UNKNOWN_METHOD, e.getMessage()).write(out);
            out.writeMessageEnd();
        } catch (TException notAnswerable) {
            return false;
        }
        log.warn("rpc-server answered UNKNOWN_METHOD to {}: {}", peer, e.getMessage());
        return true;
    }

    private static ByteBuffer reject(String peer, Exception e) {
        log.warn("rpc-server closing connection from {}: {}", peer, e.getMessage());
        return null;
    }
}
