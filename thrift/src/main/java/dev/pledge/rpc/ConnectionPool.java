package dev.pledge.rpc;

import dev.pledge.runtime.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.thrift.transport.TTransportException;

/**
 * Up to {@code poolSize} idle connections to one endpoint, reused most-recent first. Connections
 * are opened lazily when none is idle. A connection that saw any error is closed by the caller,
 * never returned, because its stream may hold half a reply.
 */
final class ConnectionPool implements AutoCloseable {
    /**
     * Idle connections older than this are closed instead of reused: the server drops silent
     * connections after its idleTimeoutMs (60 s by default), and a reused dead connection would
     * waste an attempt and count against the breaker.
     */
    static final long IDLE_MAX_MS = 30_000;

    private final Endpoint endpoint;
    private final int poolSize;
    private final int maxFrameBytes;
    private final RpcTls tls;
    private final Clock time;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private boolean closed;

    ConnectionPool(Endpoint endpoint, int poolSize, int maxFrameBytes, RpcTls tls, Clock time) {
        this.endpoint = endpoint;
        this.poolSize = poolSize;
        this.maxFrameBytes = maxFrameBytes;
        this.tls = tls;
        this.time = time;
    }

    /** An idle connection, or a new one opened within {@code connectTimeoutMs}. */
    Connection borrow(long connectTimeoutMs) throws TTransportException {
        Connection c = borrowIdle();
        if (c != null) return c;
        synchronized (this) {
            if (closed) throw new TTransportException(TTransportException.NOT_OPEN, "client to " + endpoint + " is closed");
        }
        long nowMs = time.nowMs();
        int timeoutMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeoutMs));
        return Connection.open(endpoint, maxFrameBytes, tls, timeoutMs, nowMs);
    }

    /** An idle connection fresh enough to reuse, or null: never opens one. */
    Connection borrowIdle() {
        long nowMs = time.nowMs();
        synchronized (this) {
            if (closed) return null;
            Connection c;
            while ((c = idle.pollFirst()) != null) {
                if (nowMs - c.lastUsedMs() < IDLE_MAX_MS) return c;
                c.close();
            }
            return null;
        }
    }

    /** Returns a connection whose last call completed cleanly. */
    void release(Connection c) {
        c.touch(time.nowMs());
        synchronized (this) {
            if (!closed && idle.size() < poolSize) {
                idle.addFirst(c);
                return;
            }
        }
        c.close();
    }

    /**
     * Closes every idle connection. Called after a transport failure: it usually means the peer
     * restarted or dropped us, and then every pooled connection is dead too; retrying through
     * them one by one would spend every attempt on corpses.
     */
    void clear() {
        List<Connection> dead;
        synchronized (this) {
            dead = new ArrayList<>(idle);
            idle.clear();
        }
        dead.forEach(Connection::close);
    }

    synchronized int idleCount() {
        return idle.size();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        clear();
    }
}
