package dev.pledge.rpc;

import java.io.IOException;
import java.net.Socket;
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

    static Connection open(Endpoint endpoint, int maxFrameBytes, RpcTls tls, int connectTimeoutMs, long nowMs)
            throws TTransportException {
        TSocket socket;
        if (tls == null) {
            TConfiguration configuration = new TConfiguration(maxFrameBytes, maxFrameBytes,
                    TConfiguration.DEFAULT_RECURSION_DEPTH);
            socket = new TSocket(configuration, endpoint.host(), endpoint.port(), connectTimeoutMs, connectTimeoutMs);
        } else {
            socket = tlsSocket(endpoint, maxFrameBytes, tls, connectTimeoutMs, nowMs);
        }
        BoundedFramedTransport framed = new BoundedFramedTransport(socket, maxFrameBytes);
        try {
            if (!socket.isOpen()) framed.open(); // a TLS socket comes connected
        } catch (TTransportException e) {
            framed.close();
            throw e;
        }
        return new Connection(socket, framed, nowMs);
    }

    /** Connected and past the TLS handshake; a refused or failed handshake is a transport failure like a refused connect. */
    private static TSocket tlsSocket(Endpoint endpoint, int maxFrameBytes, RpcTls tls, int connectTimeoutMs, long nowMs)
            throws TTransportException {
        Socket connected;
        try {
            connected = tls.connect(endpoint, connectTimeoutMs, nowMs);
        } catch (IOException e) {
            throw new TTransportException(TTransportException.NOT_OPEN, "TLS connection to " + endpoint + " failed: " + e, e);
        }
        TSocket socket = new TSocket(connected);
        socket.getConfiguration().setMaxMessageSize(maxFrameBytes);
        socket.getConfiguration().setMaxFrameSize(maxFrameBytes);
        return socket;
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
