package dev.pledge.rpc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * TLS over a non-blocking channel: an {@link SSLEngine} between the socket's records and the
 * connection's bytes. The handshake runs as the peer's records arrive (its certificate checks on
 * the io thread, inline); handshake records that the socket does not take at once wait, as a
 * reply does, for {@link #flush()}.
 */
final class TlsIo implements SocketIo {
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;
    /** Records read from the socket and not yet unwrapped; write mode. */
    private ByteBuffer netIn;
    /** Bytes unwrapped and not yet read; write mode. */
    private ByteBuffer appIn;
    /** Records wrapped and not yet written; read mode. */
    private ByteBuffer netOut;
    /** A reply's bytes not yet wrapped. */
    private ByteBuffer pendingApp;
    private boolean inboundDone;
    private boolean handshakeFinished;
    private List<Certificate> peerCertificates = List.of();

    TlsIo(SocketChannel channel, SSLEngine engine) throws SSLException {
        this.channel = channel;
        this.engine = engine;
        netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize()).flip();
        engine.beginHandshake();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        while (true) {
            if (appIn.position() > 0) return drainTo(dst);
            if (inboundDone) return -1;
            netIn.flip();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            noteFinished(result);
            switch (result.getStatus()) {
                case BUFFER_OVERFLOW -> appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                case CLOSED -> inboundDone = true;
                case BUFFER_UNDERFLOW -> {
                    if (!netIn.hasRemaining()) netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                    if (!readRecords()) return 0;
                }
                case OK -> {
                    boolean blocked = !progressHandshake();
                    if (result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
                        if (blocked || !readRecords()) return 0;
                    }
                }
            }
        }
    }

    /** Reads records from the socket; false if none came. The end of the stream ends the input. */
    private boolean readRecords() throws IOException {
        int n = channel.read(netIn);
        if (n < 0) {
            inboundDone = true;
            return true;
        }
        return n > 0;
    }

    private int drainTo(ByteBuffer dst) {
        appIn.flip();
        int n = Math.min(appIn.remaining(), dst.remaining());
        dst.put(appIn.slice(appIn.position(), n));
        appIn.position(appIn.position() + n);
        appIn.compact();
        return n;
    }

    /**
     * Runs the handshake's tasks and wraps its records while it asks; false if records wait for
     * the socket, so it cannot go on now.
     */
    private boolean progressHandshake() throws IOException {
        while (true) {
            HandshakeStatus status = engine.getHandshakeStatus();
            if (status == HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) task.run();
            } else if (status == HandshakeStatus.NEED_WRAP) {
                if (!flushRecords()) return false;
                wrap(NOTHING);
            } else {
                return flushRecords();
            }
        }
    }

    private void wrap(ByteBuffer src) throws IOException {
        netOut.clear();
        while (true) {
            SSLEngineResult result = engine.wrap(src, netOut);
            noteFinished(result);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(Math.max(2 * netOut.capacity(), engine.getSession().getPacketBufferSize()));
                continue;
            }
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) throw new SSLException("TLS session closed");
            break;
        }
        netOut.flip();
    }

    private boolean flushRecords() throws IOException {
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) return false;
        }
        return true;
    }

    /** At the handshake's end, keeps what the peer proved: every request after reads it (no copy per call). */
    private void noteFinished(SSLEngineResult result) {
        if (result.getHandshakeStatus() != HandshakeStatus.FINISHED || handshakeFinished) return;
        handshakeFinished = true;
        try {
            peerCertificates = List.of(engine.getSession().getPeerCertificates());
        } catch (SSLPeerUnverifiedException none) {
            peerCertificates = List.of();
        }
    }

    @Override
    public boolean write(ByteBuffer src) throws IOException {
        pendingApp = src;
        return flush();
    }

    @Override
    public boolean flush() throws IOException {
        while (true) {
            if (!progressHandshake()) return false;
            if (pendingApp == null) return true;
            if (!pendingApp.hasRemaining()) {
                pendingApp = null;
                return true;
            }
            wrap(pendingApp);
        }
    }

    @Override
    public boolean hasPendingOutput() {
        return netOut.hasRemaining() || pendingApp != null;
    }

    @Override
    public boolean hasBufferedInput() {
        return appIn.position() > 0 || netIn.position() > 0;
    }

    @Override
    public boolean ready() {
        return handshakeFinished;
    }

    @Override
    public List<Certificate> peerCertificates() {
        return peerCertificates;
    }

    @Override
    public void close() throws IOException {
        engine.closeOutbound();
        channel.close();
    }

    /** A bigger buffer in write mode holding what {@code full} held. */
    private static ByteBuffer grow(ByteBuffer full, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, 2 * full.capacity()));
        return bigger.put(full.flip());
    }
}
