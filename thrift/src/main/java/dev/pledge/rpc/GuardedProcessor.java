package dev.pledge.rpc;

import java.net.Socket;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TException;
import org.apache.thrift.TProcessor;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolException;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TLayeredTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns bad input on one connection (oversized or garbage frame, unknown service) into one WARN
 * line naming the peer, then closes that connection. Without it Thrift logs a stack trace at ERROR.
 */
final class GuardedProcessor implements TProcessor {
    private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

    private final TProcessor delegate;
    private final ConnectionTracker connections;

    GuardedProcessor(TProcessor delegate, ConnectionTracker connections) {
        this.delegate = delegate;
        this.connections = connections;
    }

    @Override
    public void process(TProtocol in, TProtocol out) throws TException {
        RecordingProtocol recording = new RecordingProtocol(in);
        try {
            delegate.process(recording, out);
        } catch (TTransportException e) {
            if (isQuietEnd(e)) {
                throw new TTransportException(TTransportException.END_OF_FILE, "connection ended", e);
            }
            throw reject(in, e);
        } catch (TProtocolException e) {
            if (recording.message() != null && answerUnknownService(recording, out, e)) return;
            throw reject(in, e);
        } catch (TException e) {
            // Whatever else a processor could not handle: the stream position is unknown.
            throw reject(in, e);
        } catch (IndexOutOfBoundsException e) {
            // TBinaryProtocol's fast path reads a negative string or binary length this way (found by the fuzzer).
            throw reject(in, e);
        }
    }

    /**
     * The header was whole but names no registered service: generated processors answer their own
     * errors, so only the multiplexer's dispatch gets here. Answer it, so the caller sees a clear
     * non-retryable error instead of a dropped connection it would retry. False if that fails.
     */
    private boolean answerUnknownService(RecordingProtocol in, TProtocol out, TProtocolException e) {
        TMessage message = in.message();
        try {
            in.skip(TType.STRUCT);
            in.readMessageEnd();
            out.writeMessageBegin(new TMessage(message.name, TMessageType.EXCEPTION, message.seqid));
            new TApplicationException(TApplicationException.UNKNOWN_METHOD, e.getMessage()).write(out);
            out.writeMessageEnd();
            out.getTransport().flush();
        } catch (TException notAnswerable) {
            return false;
        }
        log.warn("rpc-server answered UNKNOWN_METHOD to {}: {}", connections.peerOf(in.getTransport()), e.getMessage());
        return true;
    }

    /**
     * Anything but a corrupt frame is the normal end of a connection (peer left, went silent, reset,
     * or we are stopping), not bad input, and is not worth a warning.
     */
    private static boolean isQuietEnd(TTransportException e) {
        return e.getType() != TTransportException.CORRUPTED_DATA;
    }

    /** Logs, closes the connection, and returns the exception that makes the server end it silently. */
    private TTransportException reject(TProtocol in, Exception e) {
        log.warn("rpc-server closing connection from {}: {}", connections.peerOf(in.getTransport()), e.getMessage());
        in.getTransport().close();
        return new TTransportException(TTransportException.END_OF_FILE, "connection closed after bad input", e);
    }

    static String peer(TTransport transport) {
        TTransport t = transport;
        while (t instanceof TLayeredTransport layered) t = layered.getInnerTransport();
        if (t instanceof TSocket socket) {
            Socket s = socket.getSocket();
            if (s != null && s.getRemoteSocketAddress() != null) return s.getRemoteSocketAddress().toString();
        }
        return "unknown peer";
    }
}
