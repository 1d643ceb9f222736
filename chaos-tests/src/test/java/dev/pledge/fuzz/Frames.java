package dev.pledge.fuzz;

import java.nio.ByteBuffer;

/** The framed transport's wire format: a 4-byte big-endian length, then that many bytes. */
final class Frames {
    static final int HEADER_BYTES = 4;

    private Frames() {}

    /** {@code length} bytes of {@code payload} behind a header that says so. */
    static byte[] frame(byte[] payload, int length) {
        return withHeader(length, payload, length);
    }

    /** {@code length} bytes of {@code payload} behind a header that says {@code declared}, true or not. */
    static byte[] withHeader(int declared, byte[] payload, int length) {
        return ByteBuffer.allocate(HEADER_BYTES + length).putInt(declared).put(payload, 0, length).array();
    }
}
