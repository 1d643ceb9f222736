package dev.pledge.rpc;

import dev.pledge.core.Check;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.thrift.TMultiplexedProcessor;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.server.TServer;
import org.apache.thrift.server.TThreadPoolServer;
import org.apache.thrift.transport.TServerSocket;
import org.apache.thrift.transport.TTransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Thrift server: framed transport, binary protocol, one bounded worker per connection, frame and
 * message sizes capped. A connection that sends an oversized or malformed frame is closed with one
 * WARN line naming the peer; other connections are unaffected.
 */
public final class RpcServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RpcServer.class);
    /** How long close() waits for workers to finish their current call. */
    private static final long STOP_WAIT_MS = 5_000;

    private final RpcServerConfig config;
    private final TServerSocket serverSocket;
    private final TServer server;
    private final ExecutorService workers;
    private final ConnectionTracker connections;
    private final Thread acceptor;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RpcServer(RpcServerConfig config, TServerSocket serverSocket, TServer server, ExecutorService workers,
            ConnectionTracker connections, int port) {
        this.config = config;
        this.connections = connections;
        this.serverSocket = serverSocket;
        this.server = server;
        this.workers = workers;
        this.port = port;
        this.acceptor = new Thread(server::serve, "rpc-server-accept-" + port);
        this.acceptor.setDaemon(true);
    }

    /** Starts listening and serving; returns once it serves (a BindException names a port in use). */
    public static RpcServer start(RpcServerConfig config, TMultiplexedProcessor processor) throws IOException {
        Check.notNull(config, "config");
        Check.notNull(processor, "processor");
        TServerSocket serverSocket = bind(config);
        int port = serverSocket.getServerSocket().getLocalPort();
        ExecutorService workers = newWorkers(config, port);
        ConnectionTracker connections = new ConnectionTracker();
        TThreadPoolServer.Args args = new TThreadPoolServer.Args(serverSocket)
                .processor(new GuardedProcessor(processor, connections))
                .transportFactory(new LimitedFramedTransportFactory(config.maxFrameBytes()))
                .protocolFactory(new TBinaryProtocol.Factory(true, true,
                        config.maxFrameBytes(), config.maxFrameBytes()))
                .executorService(workers);
        // Only how long serve() waits for workers at stop; a connection beyond maxWorkers is closed at once.
        args.stopTimeoutVal = (int) STOP_WAIT_MS;
        args.stopTimeoutUnit = TimeUnit.MILLISECONDS;
        ServingThreadPoolServer server = new ServingThreadPoolServer(args);
        server.setServerEventHandler(connections);
        RpcServer rpcServer = new RpcServer(config, serverSocket, server, workers, connections, port);
        rpcServer.acceptor.start();
        awaitServing(rpcServer, server);
        log.info("rpc-server listening on {}:{} (workers {}..{}, maxFrameBytes {})", config.bindHost(), port,
                config.minWorkers(), config.maxWorkers(), config.maxFrameBytes());
        return rpcServer;
    }

    private static void awaitServing(RpcServer rpcServer, ServingThreadPoolServer server) throws IOException {
        boolean serving;
        try {
            serving = server.awaitServing(STOP_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            serving = false;
        }
        if (!serving) {
            rpcServer.close();
            throw new IOException("rpc-server on port " + rpcServer.port + " did not start serving within " + STOP_WAIT_MS + " ms");
        }
    }

    private static TServerSocket bind(RpcServerConfig config) throws IOException {
        InetSocketAddress address = new InetSocketAddress(config.bindHost(), config.port());
        try {
            return new TServerSocket(new TServerSocket.ServerSocketTransportArgs()
                    .bindAddr(address)
                    .clientTimeout((int) config.clientTimeoutMs()));
        } catch (TTransportException e) {
            if (e.getCause() instanceof BindException) {
                throw new BindException("cannot listen on " + config.bindHost() + ":" + config.port()
                        + ": the port is already in use (" + e.getCause().getMessage() + ")");
            }
            throw new IOException("cannot listen on " + config.bindHost() + ":" + config.port() + ": " + e.getMessage(), e);
        }
    }

    private static ExecutorService newWorkers(RpcServerConfig config, int port) {
        AtomicInteger n = new AtomicInteger();
        // SynchronousQueue: no hidden unbounded queue; Thrift closes a connection beyond maxWorkers at once.
        return new ThreadPoolExecutor(config.minWorkers(), config.maxWorkers(), 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "rpc-server-" + port + "-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    public int port() {
        return port;
    }

    /** Stops accepting, closes every connection and joins the threads. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        server.stop();
        serverSocket.close();
        connections.closeAll();
        workers.shutdownNow();
        try {
            acceptor.join(STOP_WAIT_MS);
            if (!workers.awaitTermination(STOP_WAIT_MS, TimeUnit.MILLISECONDS)) {
                log.warn("rpc-server {}:{} workers did not stop within {} ms", config.bindHost(), port, STOP_WAIT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("rpc-server {}:{} stopped", config.bindHost(), port);
    }

    /** True while the accept thread runs; for tests. */
    boolean isAccepting() {
        return acceptor.isAlive();
    }

    /** Connections currently being served; for tests. */
    int openConnections() {
        return connections.openCount();
    }
}
