package dev.pledge.fuzz;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * Bytes a node reads on a new connection before any TLS handshake has finished, sent over plain
 * TCP: a real TLS 1.3 ClientHello with bits flipped, cut short or followed by garbage, records
 * that only look like TLS, and random bytes. A TLS node must close such a connection (after an
 * alert, or at the end of its input) and serve on; a plain node reads them as a bad frame.
 */
final class HandshakeBytes {
    enum Kind { HELLO, FLIPPED_HELLO, TRUNCATED_HELLO, HELLO_THEN_GARBAGE, RANDOM_RECORD, RANDOM_BYTES }

    private static final byte[] CONTENT_TYPES = {20, 21, 22, 23, 24, 0, (byte) 255};
    private static final int RECORD_HEADER_BYTES = 5;

    private HandshakeBytes() {}

    static FuzzInput next(Random random, List<FuzzTarget> targets) {
        FuzzTarget aimed = targets.get(random.nextInt(targets.size()));
        FuzzTarget plain = new FuzzTarget(aimed.node(), aimed.endpoint(), SocketFactory.getDefault(), aimed.service(), aimed.methods());
        Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
        byte[] hello = clientHello();
        byte[] bytes = switch (kind) {
            case HELLO -> hello;
            case FLIPPED_HELLO -> flipped(random, hello);
            case TRUNCATED_HELLO -> Arrays.copyOf(hello, random.nextInt(hello.length));
            case HELLO_THEN_GARBAGE -> RawFrames.concat(hello, RawFrames.randomBytes(random, 1 + random.nextInt(200)));
            case RANDOM_RECORD -> randomRecord(random);
            case RANDOM_BYTES -> RawFrames.randomBytes(random, 1 + random.nextInt(300));
        };
        return new FuzzInput(plain, null, true, kind + " before a handshake", bytes);
    }

    /** The first flight of a fresh TLS 1.3 client: one handshake record holding a ClientHello. */
    private static byte[] clientHello() {
        try {
            SSLEngine engine = SSLContext.getDefault().createSSLEngine();
            engine.setUseClientMode(true);
            engine.setEnabledProtocols(new String[] {"TLSv1.3"});
            ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.wrap(ByteBuffer.allocate(0), out);
            return Arrays.copyOf(out.array(), out.position());
        } catch (NoSuchAlgorithmException | SSLException e) {
            throw new IllegalStateException("the JDK cannot make a ClientHello", e);
        }
    }

    private static byte[] randomRecord(Random random) {
        int length = random.nextInt(4) == 0 ? random.nextInt(1 << 16) : random.nextInt(300);
        byte[] body = RawFrames.randomBytes(random, Math.min(length, 1 + random.nextInt(300)));
        byte[] header = {CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)], 3, (byte) random.nextInt(5),
                (byte) (length >>> 8), (byte) length};
        return RawFrames.concat(Arrays.copyOf(header, RECORD_HEADER_BYTES), body);
    }

    private static byte[] flipped(Random random, byte[] bytes) {
        byte[] copy = bytes.clone();
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips; i++) copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
        return copy;
    }
}
