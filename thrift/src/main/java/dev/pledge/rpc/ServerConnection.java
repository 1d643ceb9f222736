package dev.pledge.rpc;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection. The io thread reads its frames without blocking; a whole request goes
 * to a worker, which runs it and writes the reply itself when the socket takes it at once (the
 * usual case), so a request costs one hand-over between threads. A request for an
 * {@linkplain InlineMethods inline method} costs none: the io thread starts it and whichever thread
 * finishes it writes the reply. One request at a time: a second
 * one that arrives meanwhile (a pipelining client) waits, and reading pauses until the first one's
 * reply has left.
 *
 * <p>All state is guarded by {@code this}; the io thread and at most one worker touch it.
 */
final class ServerConnection {
    private static final Logger log = LoggerFactory.getLogger(RpcServer.class);
    private static final int FIRST_BUFFER_BYTES = 8 * 1024;
    private static final long NONE = -1;

    private final SocketIo io;
    private final SelectionKey key;
    private final InetAddress address;
    private final String peer;
    private final RpcServer server;

    private final ByteBuffer header = ByteBuffer.allocate(4);
    /** The request arriving; null until its length is known. Grows with what arrives, up to that length. */
    private ByteBuffer body;
    private int frameBytes;
    private long frameStartedMs = NONE;
    private long lastActiveMs;
    /** Bytes of this connection counted against the server's maxBufferedBytes. */
    private long heldBytes;
    /** A worker holds a request, or its reply is still leaving. */
    private boolean busy;
    /** A whole request that arrived while busy. */
    private ByteBuffer waiting;
    /** A reply waits for the socket. */
    private boolean replyPending;
    private long replyStartedMs;
    private final long acceptedMs;
    private int interest = SelectionKey.OP_READ;
    /** The peer shut down its output: close once the replies it waits for have left. */
    private boolean inputEnded;
    private boolean closed;

    ServerConnection(SocketIo io, SelectionKey key, InetAddress address, String peer, RpcServer server,
            long nowMs) {
        this.io = io;
        this.acceptedMs = nowMs;
        this.key = key;
        this.address = address;
        this.peer = peer;
        this.server = server;
        this.lastActiveMs = nowMs;
    }

    /** On the io thread: reads what arrived; a whole request goes to a worker, or waits while one is busy. */
    void onReadable(long nowMs) {
        ByteBuffer request;
        synchronized (this) {
            if (closed) return;
            try {
                request = readFrame(nowMs);
            } catch (BadInput e) {
                if (e.getMessage() != null) log.warn("rpc-server closing connection from {}: {}", peer, e.getMessage());
                close();
                return;
            } catch (SSLException e) {
                server.warnings().warn("tls", nowMs, "rpc-server closing connection from " + peer + ": TLS: " + e.getMessage());
                close();
                return;
            } catch (EOFException e) {
                if (!busy) {
                    close(); // the peer left: the normal end of a connection
                    return;
                }
                inputEnded = true; // a client that shut down its output still gets its replies
                updateInterest();
                return;
            } catch (IOException e) {
                close(); // reset
                return;
            }
            if (request != null && busy) waiting = request;
            updateInterest(); // reading pauses while a request waits; TLS handshake records may wait for the socket
            if (request == null || waiting != null) return;
            busy = true;
        }
        dispatch(request);
    }

    /** A whole request, or null while it is still arriving. */
    private ByteBuffer readFrame(long nowMs) throws IOException {
        if (body == null) {
            if (read(header) > 0 && frameStartedMs == NONE) frameStartedMs = nowMs;
            if (header.hasRemaining()) return null;
            frameBytes = header.getInt(0);
            int max = server.limits().maxFrameBytes();
            if (frameBytes > max) throw new BadInput("frame of " + frameBytes + " bytes is larger than maxFrameBytes " + max);
            if (frameBytes <= 0) throw new BadInput("frame length " + frameBytes + " is not positive");
            body = allocate(Math.min(frameBytes, FIRST_BUFFER_BYTES), nowMs);
        }
        while (body.position() < frameBytes) {
            if (!body.hasRemaining()) body = grow(body, nowMs);
            if (read(body) == 0) return null;
        }
        ByteBuffer whole = body.flip();
        body = null;
        header.clear();
        frameStartedMs = NONE;
        return whole;
    }

    private int read(ByteBuffer into) throws IOException {
        int n = io.read(into);
        if (n < 0) throw new EOFException();
        return n;
    }

    private ByteBuffer allocate(int bytes, long nowMs) throws BadInput {
        if (!server.reserve(bytes)) {
            String message = "rpc-server closing connection from " + peer + ": buffering " + bytes
                    + " more bytes would pass maxBufferedBytes " + server.limits().maxBufferedBytes();
            server.warnings().warn("maxBufferedBytes", nowMs, message);
            throw new BadInput(null);
        }
        heldBytes += bytes;
        return ByteBuffer.allocate(bytes);
    }

    private ByteBuffer grow(ByteBuffer full, long nowMs) throws BadInput {
        int capacity = (int) Math.min(frameBytes, 2L * full.capacity());
        release(full.capacity()); // counted as the bigger buffer alone, so a frame of maxBufferedBytes fits
        return allocate(capacity, nowMs).put(full.flip());
    }

    private void release(long bytes) {
        if (closed) return; // close() gave back everything at once
        heldBytes -= bytes;
        server.release(bytes);
    }

    /** Starts an inline method's request on this thread, or hands any other request to a worker. */
    private void dispatch(ByteBuffer request) {
        GuardedProcessor.InlineCall<?> call = server.processor().inlineCall(request);
        if (call != null) {
            synchronized (this) {
                release(request.capacity());
            }
            call.start(caller(), this::inlineReplied);
            return;
        }
        try {
            server.execute(() -> serve(request));
        } catch (RejectedExecutionException stopping) {
            close();
        }
    }

    private RpcServer.Caller caller() {
        return new RpcServer.Caller(peer, io.peerCertificates());
    }

    /** On the thread that finished an inline call: its reply leaves, then the request that waited, if any. */
    private void inlineReplied(ByteBuffer replyFrame) {
        if (replyFrame == null) {
            close();
            return;
        }
        ByteBuffer next = startReply(replyFrame);
        if (next != null) dispatch(next);
    }

    /** On a worker: runs the request and starts its reply; then the request that waited, if any. */
    private void serve(ByteBuffer first) {
        ByteBuffer request = first;
        while (request != null) {
            ByteBuffer replyFrame = server.processor().serve(request, caller());
            synchronized (this) {
                release(request.capacity());
            }
            if (replyFrame == null) {
                close();
                return;
            }
            request = startReply(replyFrame);
        }
    }

    /** Writes what the socket takes now; the io thread writes the rest. Returns a request to run next. */
    private ByteBuffer startReply(ByteBuffer frame) {
        long nowMs = server.nowMs();
        synchronized (this) {
            if (closed) return null;
            boolean whole;
            try {
                whole = io.write(frame);
            } catch (IOException e) {
                close();
                return null;
            }
            if (!whole) {
                replyPending = true;
                replyStartedMs = nowMs;
                updateInterest();
                return null;
            }
            return replyLeft(nowMs);
        }
    }

    /** On the io thread: the socket takes more of a reply. */
    void onWritable(long nowMs) {
        ByteBuffer next;
        synchronized (this) {
            if (closed) return;
            try {
                if (!io.flush()) return;
            } catch (IOException e) {
                close();
                return;
            }
            if (!replyPending) { // TLS handshake records left
                updateInterest();
                return;
            }
            replyPending = false;
            next = replyLeft(nowMs);
        }
        if (next != null) dispatch(next);
    }

    /** The reply left whole: the connection is idle again, or the request that waited is next. */
    private ByteBuffer replyLeft(long nowMs) {
        lastActiveMs = nowMs;
        if (inputEnded && waiting == null) {
            close();
            return null;
        }
        ByteBuffer next = waiting;
        waiting = null;
        busy = next != null;
        updateInterest();
        if (next == null && io.hasBufferedInput()) server.readSoon(this); // TLS read ahead of the socket
        return next;
    }

    /**
     * Reads while no request waits and no reply is pending (one request at a time); writes while
     * output waits. Changed only when it changes: from a worker it costs a wake-up of the io thread.
     */
    private void updateInterest() {
        boolean reading = !inputEnded && waiting == null && !replyPending;
        int wanted = (reading ? SelectionKey.OP_READ : 0) | (io.hasPendingOutput() ? SelectionKey.OP_WRITE : 0);
        if (wanted == interest) return;
        interest = wanted;
        server.setInterest(key, wanted);
    }

    /** On the io thread: closes the connection if a frame or a reply is too slow, or it idled too long. */
    synchronized void checkTimeouts(long nowMs) {
        if (closed) return;
        ServerLimits limits = server.limits();
        if (frameStartedMs != NONE && nowMs - frameStartedMs > limits.frameTimeoutMs()) {
            int arrived = header.position() + (body == null ? 0 : body.position());
            server.warnings().warn("frameTimeoutMs", nowMs, "rpc-server closing connection from " + peer
                    + ": a request frame started " + (nowMs - frameStartedMs) + " ms ago is still incomplete ("
                    + arrived + " bytes arrived; frameTimeoutMs " + limits.frameTimeoutMs() + ")");
            close();
        } else if (!io.ready() && nowMs - acceptedMs > limits.frameTimeoutMs()) {
            server.warnings().warn("frameTimeoutMs", nowMs, "rpc-server closing connection from " + peer
                    + ": its TLS handshake has not finished in " + (nowMs - acceptedMs) + " ms (frameTimeoutMs "
                    + limits.frameTimeoutMs() + ")");
            close();
        } else if (replyPending && nowMs - replyStartedMs > limits.frameTimeoutMs()) {
            server.warnings().warn("frameTimeoutMs", nowMs, "rpc-server closing connection from " + peer
                    + ": its reply has not been taken for " + (nowMs - replyStartedMs) + " ms (frameTimeoutMs "
                    + limits.frameTimeoutMs() + ")");
            close();
        } else if (!busy && frameStartedMs == NONE && nowMs - lastActiveMs > limits.idleTimeoutMs()) {
            log.debug("rpc-server closing connection from {}: idle for {} ms", peer, nowMs - lastActiveMs);
            close();
        }
    }

    /** Closes the socket and gives back its buffers and its place in the connection counts; idempotent. */
    synchronized void close() {
        if (closed) return;
        closed = true;
        server.release(heldBytes);
        heldBytes = 0;
        body = null;
        waiting = null;
        try {
            io.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        server.connectionClosed(address);
    }

    /** Input that ends this connection; its message, if any, is logged once by the catcher. */
    private static final class BadInput extends IOException {
        BadInput(String message) {
            super(message);
        }
    }
}
