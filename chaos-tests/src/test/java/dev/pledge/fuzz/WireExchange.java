package dev.pledge.fuzz;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TBase;
import org.apache.thrift.TException;
import org.apache.thrift.TFieldIdEnum;
import org.apache.thrift.meta_data.FieldMetaData;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TMemoryInputTransport;

/**
 * Sends one input on a fresh connection, half-closes it, and reads every answer frame until the
 * node closes: what a node does with bytes from a stranger, with no client library in between.
 * Over TLS the stranger holds a certificate of the cluster: the bytes reach Thrift through a real
 * handshake (TLS 1.3 lets a client half-close and still read the answers).
 */
final class WireExchange {
    static final int CONNECT_TIMEOUT_MS = 2_000;
    /** A node that neither answers nor closes a half-closed connection for this long has stopped serving it. */
    static final int ANSWER_TIMEOUT_MS = 15_000;
    private static final int ANSWER_FRAMES_MAX = 16;

    /** What came back: each frame read as a message, and how the connection ended. */
    record Answer(List<String> replies, List<TApplicationException> errors, List<String> problems, boolean timedOut) {
        boolean answered() {
            return !replies.isEmpty() || !errors.isEmpty();
        }

        @Override
        public String toString() {
            return "replies " + replies + ", errors " + errors.stream().map(e -> e.getType() + " " + e.getMessage()).toList()
                    + (problems.isEmpty() ? "" : ", problems " + problems) + (timedOut ? ", TIMED OUT" : "");
        }
    }

    private WireExchange() {}

    static Answer send(FuzzInput input) throws IOException {
        List<String> replies = new ArrayList<>();
        List<TApplicationException> errors = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        boolean timedOut = false;
        try (Socket socket = sentAndHalfClosed(input)) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            for (int i = 0; i < ANSWER_FRAMES_MAX; i++) {
                byte[] frame = readFrame(in);
                if (frame == null) break;
                read(frame, input, replies, errors, problems);
            }
        } catch (SocketTimeoutException e) {
            timedOut = true;
        }
        return new Answer(replies, errors, problems, timedOut);
    }

    /**
     * Sends one input on a fresh connection, half-closes it, and reads whatever comes back (TLS
     * records, not frames) until the node closes: for bytes aimed at a node's TLS layer. The
     * answer only says whether it closed in time.
     */
    static Answer drain(FuzzInput input) throws IOException {
        boolean timedOut = false;
        try (Socket socket = sentAndHalfClosed(input)) {
            try {
                socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (SocketTimeoutException e) {
                timedOut = true;
            } catch (IOException reset) {
                // Closed by a reset: an answer too.
            }
        }
        return new Answer(List.of(), List.of(), List.of(), timedOut);
    }

    /** A fresh connection that carried the input's bytes and was then shut for output; reads time out as answers do. */
    private static Socket sentAndHalfClosed(FuzzInput input) throws IOException {
        Socket socket = input.target().sockets().createSocket();
        try {
            socket.connect(new InetSocketAddress(input.target().endpoint().host(), input.target().endpoint().port()),
                    CONNECT_TIMEOUT_MS);
            socket.setSoTimeout(ANSWER_TIMEOUT_MS);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        try {
            OutputStream out = socket.getOutputStream();
            out.write(input.bytes());
            out.flush();
            socket.shutdownOutput();
        } catch (IOException closedWhileWriting) {
            // The node may close a connection as soon as it sees a bad frame header or record: a fair answer.
        }
        return socket;
    }

    /** The next frame, or null once the node has closed (or reset) the connection. */
    private static byte[] readFrame(DataInputStream in) throws SocketTimeoutException {
        try {
            int length = in.readInt();
            if (length < 0 || length > 64 << 20) throw new IllegalStateException("answer frame of " + length + " bytes");
            byte[] frame = new byte[length];
            in.readFully(frame);
            return frame;
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (EOFException e) {
            return null;
        } catch (IOException reset) {
            return null;
        }
    }

    private static void read(byte[] frame, FuzzInput input, List<String> replies, List<TApplicationException> errors,
            List<String> problems) {
        try {
            TProtocol in = new TBinaryProtocol(new TMemoryInputTransport(frame));
            TMessage message = in.readMessageBegin();
            if (message.type == TMessageType.EXCEPTION) {
                errors.add(TApplicationException.readFrom(in));
            } else if (message.type == TMessageType.REPLY) {
                replies.add(reply(in, message, input, problems));
            } else {
                problems.add("answer of message type " + message.type + " named " + message.name);
            }
        } catch (TException e) {
            problems.add("unreadable answer (" + frame.length + " bytes): " + e);
        }
    }

    /** The result struct of a reply, named by the field that is set; a reply with no field set is a problem. */
    private static String reply(TProtocol in, TMessage message, FuzzInput input, List<String> problems) throws TException {
        FuzzTarget.Method method = input.method();
        if (method == null || method.result() == null || !message.name.equals(method.name())) {
            return "reply " + message.name;
        }
        TBase<?, ?> result;
        try {
            result = method.result().getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        result.read(in);
        for (TFieldIdEnum field : FuzzTarget.fieldsOf(method.result()).keySet()) {
            if (isSet(result, field)) return field.getFieldName() + (field.getThriftFieldId() == 0 ? "" : " " + fieldValue(result, field));
        }
        boolean returnsValue = FuzzTarget.fieldsOf(method.result()).keySet().stream()
                .anyMatch(f -> f.getThriftFieldId() == 0);
        if (returnsValue) problems.add(method.name() + " replied with neither a result nor an exception");
        return "void";
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static boolean isSet(TBase result, TFieldIdEnum field) {
        return result.isSet(field);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object fieldValue(TBase result, TFieldIdEnum field) {
        return result.getFieldValue(field);
    }
}
