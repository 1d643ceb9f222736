package dev.pledge.rpc;

import org.apache.thrift.TConfiguration;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransportException;

/** One open framed, binary-protocol connection to an endpoint. Not thread-safe: one call at a time. */
final class Connection implements AutoCloseable {
    private final TSocket socket;
    private final BoundedFramedTransport transport;
    private final TProtocol protocol;
    private long lastUsedMs;

    private Connection(TSocket socket, BoundedFramedTransport transport, long nowMs) {
        this.socket = socket;
        this.transport = transport;
        this.protocol = new TBinaryProtocol(transport);
        this.lastUsedMs = nowMs;
    }

    static Connection open(Endpoint endpoint, int maxFrameBytes, int connectTimeoutMs, long nowMs)
            throws TTransportException {
        TConfiguration configuration = new TConfiguration(maxFrameBytes, maxFrameBytes,
                TConfiguration.DEFAULT_RECURSION_DEPTH);
        TSocket socket = new TSocket(configuration, endpoint.host(), endpoint.port(), connectTimeoutMs, connectTimeoutMs);
        BoundedFramedTransport framed = new BoundedFramedTransport(socket, maxFrameBytes);
        try {
            framed.open();
        } catch (TTransportException e) {
            framed.close();
            throw e;
        }
        return new Connection(socket, framed, nowMs);
    }

    TProtocol protocol() {
        return protocol;
    }

    /** Bounds the next reads and writes by the caller's remaining time. */
    void setTimeoutMs(long timeoutMs) {
        socket.setTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutMs)));
    }

    long lastUsedMs() {
        return lastUsedMs;
    }

    void touch(long nowMs) {
        lastUsedMs = nowMs;
    }

    @Override
    public void close() {
        transport.close();
    }
}
