package dev.pledge.rpc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.util.List;

/**
 * The bytes of one accepted connection, plain TCP or TLS over it, without blocking. Every call
 * comes under the connection's lock.
 */
interface SocketIo {
    /** Bytes read into {@code dst}: 0 if none can be had now, -1 once the peer ended its side. */
    int read(ByteBuffer dst) throws IOException;

    /** Takes all of {@code src} (keeping it until written); true once every byte reached the socket. */
    boolean write(ByteBuffer src) throws IOException;

    /** Writes what waits; true once nothing does. */
    boolean flush() throws IOException;

    /** Output waits for the socket: a reply, or TLS handshake records. */
    boolean hasPendingOutput();

    /** Input already taken from the socket but not yet read: the socket will not say it is readable. */
    boolean hasBufferedInput();

    /** True once requests can flow: at once for plain TCP, after the handshake for TLS. */
    boolean ready();

    /** The certificates the peer proved it holds, its own first; empty for plain TCP. */
    List<Certificate> peerCertificates();

    void close() throws IOException;
}
