package dev.pledge.chaos.proxy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Ways to damage one Thrift frame (4-byte big-endian length, then a TBinaryProtocol message).
 * Thrift carries no checksum: a flipped bit inside a value is a valid, different request that only
 * TCP's own checksum stops. So every corruption here damages what framing or the protocol does
 * check (the length, the message header, the method name, a field's type tag), which is what a
 * node can be asked to reject cleanly.
 */
public enum Corruption {
    /** A length beyond any frame limit: the reader must refuse the frame, not allocate it. */
    OVERSIZE_LENGTH(true),
    /** A negative length. */
    NEGATIVE_LENGTH(true),
    /** The strict binary-protocol version word is wrong. */
    BAD_VERSION(true),
    /** The first field's type tag is not a Thrift type. */
    BAD_FIELD_TYPE(true),
    /** The method name no longer names a method. Replies are not matched by name, so requests only. */
    UNKNOWN_METHOD(false);

    private final boolean replies;

    Corruption(boolean replies) {
        this.replies = replies;
    }

    /** Whether a reader of {@code direction} would notice this corruption at all. */
    public boolean detectableIn(Direction direction) {
        return direction == Direction.REQUEST || replies;
    }

    /** The bytes to put on the wire instead of {@code payload} with its true length prefix. */
    byte[] apply(byte[] payload) {
        byte[] out = payload.clone();
        switch (this) {
            case OVERSIZE_LENGTH -> {
                return withPrefix(0x7FFF_FFF0, out);
            }
            case NEGATIVE_LENGTH -> {
                return withPrefix(-7, out);
            }
            case BAD_VERSION -> {
                // 0x80 0x01 is the strict version; 0xC0 keeps the sign bit, so the reader takes the strict path and fails.
                if (out.length > 0) out[0] = (byte) 0xC0;
            }
            case BAD_FIELD_TYPE -> {
                int at = firstFieldOffset(out);
                if (at >= 0) out[at] = 0x7F;
                else if (out.length > 0) out[0] = (byte) 0xC0;
            }
            case UNKNOWN_METHOD -> {
                int nameLen = nameLength(out);
                if (nameLen > 0) out[8 + nameLen - 1] = (byte) '~';
                else if (out.length > 0) out[0] = (byte) 0xC0;
            }
        }
        return withPrefix(out.length, out);
    }

    private static byte[] withPrefix(int length, byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).putInt(length).put(payload).array();
    }

    /** Length of the message name of a strict binary message, or -1 if it does not look like one. */
    static int nameLength(byte[] payload) {
        if (payload.length < 12 || (payload[0] & 0xFF) != 0x80) return -1;
        int len = ByteBuffer.wrap(payload, 4, 4).getInt();
        return len > 0 && 12 + len <= payload.length ? len : -1;
    }

    static String methodName(byte[] payload) {
        int len = nameLength(payload);
        return len < 0 ? "?" : new String(payload, 8, len, StandardCharsets.UTF_8);
    }

    /** Header: version word (4), name length (4), name, seqid (4); the args struct starts after it. */
    private static int firstFieldOffset(byte[] payload) {
        int len = nameLength(payload);
        int at = 12 + len;
        return len < 0 || at >= payload.length ? -1 : at;
    }
}
