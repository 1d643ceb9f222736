package dev.pledge.fuzz;

import dev.pledge.rpc.RpcClientConfig;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;

/**
 * Bytes that are not a well-formed call: random bytes framed and unframed, truncated and
 * bit-flipped calls, frame lengths past the limit or negative, unknown services and methods,
 * wrong message types and protocol versions, calls followed by garbage on the same connection.
 */
final class RawFrames {
    enum Kind {
        RANDOM_PAYLOAD, UNFRAMED, TRUNCATED_FRAME, SHORT_FRAME, FRAME_LENGTH, UNKNOWN_NAME, MESSAGE_TYPE,
        PROTOCOL_VERSION, FLIPPED_BYTES, CALL_THEN_GARBAGE, EMPTY_FRAMES
    }

    private static final int[] FRAME_LENGTHS = {RpcClientConfig.DEFAULT_MAX_FRAME_BYTES + 1, Integer.MAX_VALUE, -1,
            Integer.MIN_VALUE, 0, 1, 3};

    private RawFrames() {}

    static FuzzInput next(Random random, List<FuzzTarget> targets) {
        Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
        FuzzInput call = StructuredRequests.next(random, targets);
        byte[] bytes = switch (kind) {
            case RANDOM_PAYLOAD -> {
                byte[] payload = randomBytes(random, random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(300));
                yield Frames.frame(payload, payload.length);
            }
            case UNFRAMED -> randomBytes(random, 1 + random.nextInt(64));
            case TRUNCATED_FRAME -> Arrays.copyOf(call.bytes(), random.nextInt(call.bytes().length));
            case SHORT_FRAME -> {
                int length = random.nextInt(call.bytes().length - Frames.HEADER_BYTES);
                yield Frames.frame(Arrays.copyOfRange(call.bytes(), Frames.HEADER_BYTES, call.bytes().length), length);
            }
            case FRAME_LENGTH -> Frames.withHeader(FRAME_LENGTHS[random.nextInt(FRAME_LENGTHS.length)],
                    randomBytes(random, 16), random.nextInt(17));
            case UNKNOWN_NAME -> message(random, unknownName(random, call.target()), TMessageType.CALL);
            case MESSAGE_TYPE -> message(random, call.target().service() + ":" + call.method().name(),
                    new byte[] {TMessageType.REPLY, TMessageType.EXCEPTION, TMessageType.ONEWAY, 0, 5, 127}[random.nextInt(6)]);
            case PROTOCOL_VERSION -> withVersion(random, call.bytes());
            case FLIPPED_BYTES -> flipped(random, call.bytes());
            case CALL_THEN_GARBAGE -> concat(call.bytes(), Frames.frame(randomBytes(random, 40), 40), randomBytes(random, 7));
            case EMPTY_FRAMES -> concat(new byte[4], new byte[4], new byte[4], call.bytes());
        };
        return new FuzzInput(call.target(), call.method(), true, kind + " around " + call.what(), bytes);
    }

    private static String unknownName(Random random, FuzzTarget target) {
        String[] names = {target.service() + ":noSuchMethod", "NoSuchService:ping", "ping", "", ":", target.service() + ":",
                ":ping", target.service() + "::ping", "x".repeat(70_000), "\uD800:ping"};
        return names[random.nextInt(names.length)];
    }

    /** A framed CALL-shaped message named {@code name} of {@code type}, with an empty argument struct. */
    private static byte[] message(Random random, String name, byte type) {
        try {
            TMemoryBuffer buffer = new TMemoryBuffer(256);
            TProtocol out = new TBinaryProtocol(buffer);
            out.writeMessageBegin(new TMessage(name, type, random.nextInt()));
            out.writeStructBegin(new TStruct("args"));
            out.writeFieldStop();
            out.writeStructEnd();
            out.writeMessageEnd();
            return Frames.frame(buffer.getArray(), buffer.length());
        } catch (TException e) {
            throw new IllegalStateException("cannot write a message to a memory buffer", e);
        }
    }

    /** {@code call} with its strict-binary version word replaced, or an old-style (unversioned) header. */
    private static byte[] withVersion(Random random, byte[] call) {
        byte[] copy = call.clone();
        int at = Frames.HEADER_BYTES;
        int[] versions = {0x80020001, 0x00010001, 0x7fffffff, 0x80010000 | TType.STRUCT, 0x80010005};
        int v = versions[random.nextInt(versions.length)];
        copy[at] = (byte) (v >>> 24);
        copy[at + 1] = (byte) (v >>> 16);
        copy[at + 2] = (byte) (v >>> 8);
        copy[at + 3] = (byte) v;
        return copy;
    }

    private static byte[] flipped(Random random, byte[] call) {
        byte[] copy = call.clone();
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips; i++) {
            int at = Frames.HEADER_BYTES + random.nextInt(copy.length - Frames.HEADER_BYTES);
            copy[at] ^= (byte) (1 << random.nextInt(8));
        }
        return copy;
    }

    static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
