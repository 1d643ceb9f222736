package dev.pledge.rpc;

import dev.pledge.core.Check;
import dev.pledge.runtime.NodeLoop;
import dev.pledge.runtime.Threads;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.thrift.TMultiplexedProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Thrift server (framed transport, binary protocol) that gives no connection a thread. One io
 * thread accepts and reads every connection without blocking; a whole request runs on a bounded
 * pool of workers, or, for the few {@linkplain InlineMethods inline methods} of a node's hot path,
 * is started by the io thread itself and answered by the thread that finishes it. An idle or slow connection therefore costs a buffer, never a worker, and the
 * limits of {@link RpcServerConfig} bound what connections can take: how many (in total and per
 * remote address), how many bytes they buffer, how long a frame may take to arrive, how long a
 * connection may idle. Over a limit the newest connection is closed, with a WARN line (at most one
 * a second per limit). Bad input (an oversized, garbage or truncated frame, an unknown service)
 * closes only that connection, with one WARN line naming the peer.
 */
public final class RpcServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RpcServer.class);
    /** How long close() waits for the io thread and the workers to finish. */
    private static final long STOP_WAIT_MS = 5_000;
    private static final long WARN_INTERVAL_MS = 1_000;
    private static final int ACCEPT_BACKLOG = 1_024;
    private static final long SWEEP_MIN_MS = 10;
    private static final long SWEEP_MAX_MS = 250;
    /** A worker idle this long ends. */
    private static final long WORKER_IDLE_MS = 30_000;

    private final RpcServerConfig config;
    private final ServerLimits limits;
    private final ServerSocketChannel listener;
    private final SelectionKey listenerKey;
    private final Selector selector;
    private final GuardedProcessor processor;
    private final WorkerPool workers;
    private final ConnectionCounts connections;
    private final AtomicLong bufferedBytes = new AtomicLong();
    private final Queue<ServerConnection> readSoon = new ConcurrentLinkedQueue<>();
    private final WarnThrottle warnings = new WarnThrottle(log, WARN_INTERVAL_MS);
    private final Thread io;
    private final int port;
    private final long sweepEveryMs;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean closing;

    private RpcServer(RpcServerConfig config, ServerSocketChannel listener, Selector selector,
            TMultiplexedProcessor services, InlineMethods inline) throws IOException {
        this.config = config;
        this.limits = config.limits();
        this.listener = listener;
        this.selector = selector;
        this.listenerKey = listener.register(selector, SelectionKey.OP_ACCEPT);
        this.port = listener.socket().getLocalPort();
        this.processor = new GuardedProcessor(services, inline, limits.maxFrameBytes());
        this.connections = new ConnectionCounts(limits.maxConnections(), limits.maxConnectionsPerAddress());
        // One request at a time per connection, so the queue never holds more than maxConnections.
        this.workers = new WorkerPool("rpc-server-" + port + "-worker", limits.workers(), limits.maxConnections(),
                WORKER_IDLE_MS);
        this.sweepEveryMs = Math.max(SWEEP_MIN_MS,
                Math.min(SWEEP_MAX_MS, Math.min(limits.frameTimeoutMs(), limits.idleTimeoutMs()) / 4));
        this.io = Threads.daemon(this::runIo, "rpc-server-io-" + port);
    }

    /** Starts listening and serving; returns once it serves (a BindException names a port in use). */
    public static RpcServer start(RpcServerConfig config, TMultiplexedProcessor processor) throws IOException {
        return start(config, processor, InlineMethods.none());
    }

    /** As {@link #start(RpcServerConfig, TMultiplexedProcessor)}, serving {@code inline}'s methods without a worker. */
    public static RpcServer start(RpcServerConfig config, TMultiplexedProcessor processor, InlineMethods inline)
            throws IOException {
        Check.notNull(config, "config");
        Check.notNull(processor, "processor");
        Check.notNull(inline, "inline");
        ServerSocketChannel listener = bind(config);
        RpcServer server;
        try {
            Selector selector = Selector.open();
            listener.configureBlocking(false);
            server = new RpcServer(config, listener, selector, processor, inline);
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        server.io.start();
        ServerLimits limits = config.limits();
        log.info("rpc-server listening on {}:{}{} (workers {}, maxFrameBytes {}, maxConnections {}, "
                + "maxConnectionsPerAddress {}, maxBufferedBytes {}, frameTimeoutMs {}, idleTimeoutMs {})",
                config.bindHost(), server.port,
                config.tls() == null ? ", plain TCP" : ", " + RpcTls.PROTOCOL + " with client certificates", limits.workers(), limits.maxFrameBytes(), limits.maxConnections(),
                limits.maxConnectionsPerAddress(), limits.maxBufferedBytes(), limits.frameTimeoutMs(),
                limits.idleTimeoutMs());
        return server;
    }

    private static ServerSocketChannel bind(RpcServerConfig config) throws IOException {
        InetSocketAddress address = new InetSocketAddress(config.bindHost(), config.port());
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(address, ACCEPT_BACKLOG);
            return listener;
        } catch (BindException e) {
            listener.close();
            throw new BindException("cannot listen on " + config.bindHost() + ":" + config.port()
                    + ": the port is already in use (" + e.getMessage() + ")");
        } catch (IOException e) {
            listener.close();
            throw new IOException("cannot listen on " + config.bindHost() + ":" + config.port() + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    /**
     * The remote address ("/10.0.0.5:51234") of the request the calling thread serves, for the log
     * lines of a handler; null outside a request. Never a basis for a decision: anyone can connect
     * from anywhere.
     */
    public static String currentPeer() {
        Caller caller = GuardedProcessor.CURRENT_CALLER.get();
        return caller == null ? null : caller.address();
    }

    /**
     * The certificates the caller of the request the calling thread serves proved it holds (its
     * own first), checked against the node's CA by the TLS handshake; empty without TLS or outside
     * a request.
     */
    public static List<Certificate> currentPeerCertificates() {
        Caller caller = GuardedProcessor.CURRENT_CALLER.get();
        return caller == null ? List.of() : caller.certificates();
    }

    /** The caller's own certificate, the first of {@link #currentPeerCertificates()}; null without one. */
    public static X509Certificate currentPeerCertificate() {
        List<Certificate> chain = currentPeerCertificates();
        return !chain.isEmpty() && chain.get(0) instanceof X509Certificate own ? own : null;
    }

    /** Who sent a request: its remote address, and its TLS certificates (none without TLS). */
    record Caller(String address, List<Certificate> certificates) {}

    private void runIo() {
        // An inline method's handler hands its work to the node's loop; when that loop is idle this
        // thread runs the step itself rather than waking the loop's thread.
        NodeLoop.runTasksHere();
        long lastSweepMs = nowMs();
        try {
            while (!closing) {
                selector.select(sweepEveryMs);
                long nowMs = nowMs();
                ServerConnection buffered;
                while ((buffered = readSoon.poll()) != null) buffered.onReadable(nowMs);
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    handle(key, nowMs);
                }
                if (nowMs - lastSweepMs >= sweepEveryMs) {
                    sweep(nowMs);
                    lastSweepMs = nowMs;
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closing) log.error("rpc-server {}:{} stopped serving: its selector failed", config.bindHost(), port, e);
        } finally {
            closeAll();
        }
    }

    private void handle(SelectionKey key, long nowMs) {
        try {
            int readyOps = key.readyOps();
            if (key == listenerKey) {
                accept(nowMs);
                return;
            }
            ServerConnection connection = (ServerConnection) key.attachment();
            if ((readyOps & SelectionKey.OP_READ) != 0) connection.onReadable(nowMs);
            if ((readyOps & SelectionKey.OP_WRITE) != 0 && key.isValid()) connection.onWritable(nowMs);
        } catch (CancelledKeyException closedMeanwhile) {
            // a worker closed the connection
        }
    }

    private void accept(long nowMs) {
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                // Out of file descriptors, most likely: stop accepting until the next sweep instead of spinning.
                warnings.warn("accept", nowMs, "rpc-server " + config.bindHost() + ":" + port
                        + " cannot accept connections: " + e.getMessage());
                listenerKey.interestOps(0);
                return;
            }
            if (channel == null) return;
            admit(channel, nowMs);
        }
    }

    private void admit(SocketChannel channel, long nowMs) {
        InetSocketAddress remote;
        try {
            remote = (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            closeQuietly(channel);
            return;
        }
        if (remote == null) { // reset before we looked
            closeQuietly(channel);
            return;
        }
        String refusal = connections.tryOpen(remote.getAddress());
        if (refusal != null) {
            warnings.warn("connection limit", nowMs, "rpc-server refusing connection from " + remote + ": " + refusal);
            closeQuietly(channel);
            return;
        }
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SocketIo io = config.tls() == null ? new PlainIo(channel) : new TlsIo(channel, config.tls().serverEngine());
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            key.attach(new ServerConnection(io, key, remote.getAddress(), remote.toString(), this, nowMs));
        } catch (IOException e) {
            connections.closed(remote.getAddress());
            closeQuietly(channel);
        }
    }

    private void sweep(long nowMs) {
        if (listenerKey.isValid() && listenerKey.interestOps() == 0) listenerKey.interestOps(SelectionKey.OP_ACCEPT);
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof ServerConnection connection) connection.checkTimeouts(nowMs);
        }
    }

    private void closeAll() {
        try {
            for (SelectionKey key : selector.keys()) {
                if (key.attachment() instanceof ServerConnection connection) connection.close();
            }
            selector.close();
        } catch (IOException | ClosedSelectorException e) {
            log.debug("rpc-server {}:{} selector close: {}", config.bindHost(), port, e.toString());
        }
        closeQuietly(listener);
    }

    /** Stops accepting, closes every connection and joins the threads. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        closing = true;
        selector.wakeup();
        try {
            io.join(STOP_WAIT_MS);
            workers.shutdownNow();
            if (!workers.awaitTermination(STOP_WAIT_MS)) {
                log.warn("rpc-server {}:{} workers did not stop within {} ms", config.bindHost(), port, STOP_WAIT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("rpc-server {}:{} stopped", config.bindHost(), port);
    }

    // --- for ServerConnection

    ServerLimits limits() {
        return limits;
    }

    GuardedProcessor processor() {
        return processor;
    }

    WarnThrottle warnings() {
        return warnings;
    }

    long nowMs() {
        return System.nanoTime() / 1_000_000;
    }

    /** Counts {@code bytes} against maxBufferedBytes; false, counting nothing, if that would pass it. */
    boolean reserve(long bytes) {
        while (true) {
            long now = bufferedBytes.get();
            if (now + bytes > limits.maxBufferedBytes()) return false;
            if (bufferedBytes.compareAndSet(now, now + bytes)) return true;
        }
    }

    void release(long bytes) {
        bufferedBytes.addAndGet(-bytes);
    }

    void execute(Runnable task) {
        workers.execute(task);
    }

    /** Changes what the io thread waits for on a connection; from a worker, it wakes the io thread to see it. */
    void setInterest(SelectionKey key, int interest) {
        try {
            key.interestOps(interest);
        } catch (CancelledKeyException closedMeanwhile) {
            return;
        }
        if (Thread.currentThread() != io) selector.wakeup();
    }

    /** Has the io thread read {@code connection}, whose input waits in its TLS buffers where the socket cannot say so. */
    void readSoon(ServerConnection connection) {
        readSoon.add(connection);
        selector.wakeup();
    }

    void connectionClosed(java.net.InetAddress address) {
        connections.closed(address);
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
    }

    /** True while the io thread runs; for tests. */
    boolean isAccepting() {
        return io.isAlive();
    }

    /** Connections currently open; for tests. */
    int openConnections() {
        return connections.total();
    }

    /** Bytes of partly arrived requests buffered now; for tests. */
    long bufferedBytes() {
        return bufferedBytes.get();
    }
}
