package dev.pledge.rpc;

import dev.pledge.core.Check;

/**
 * What the connections of one {@link RpcServer} may take. Connections are served without a thread
 * each: an idle or slow connection costs its buffered bytes, a worker only while a request runs.
 *
 * @param workers                  most requests executed at once; a request beyond them waits for a worker
 * @param maxFrameBytes            largest request frame, and so the most one connection buffers while a request
 *                                 arrives (one request at a time per connection); a bigger one closes that connection
 * @param maxConnections           most connections open at once; a connection beyond it is closed at once
 * @param maxConnectionsPerAddress most connections open at once from one remote address; beyond it, likewise
 * @param maxBufferedBytes         most bytes of arriving requests buffered over all connections; a read that
 *                                 would pass it closes that connection
 * @param frameTimeoutMs           a request frame, once its first byte arrived, must arrive whole within this, and
 *                                 a reply must leave within it; a connection that trickles is closed
 * @param idleTimeoutMs            a connection with no request for this long is closed
 */
public record ServerLimits(int workers, int maxFrameBytes, int maxConnections, int maxConnectionsPerAddress,
        long maxBufferedBytes, long frameTimeoutMs, long idleTimeoutMs) {

    public static final int DEFAULT_WORKERS = 64;
    public static final int DEFAULT_MAX_CONNECTIONS = 4_096;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1_024;
    public static final long DEFAULT_MAX_BUFFERED_BYTES = 256L * 1024 * 1024;
    public static final long DEFAULT_FRAME_TIMEOUT_MS = 10_000;
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 60_000;
    public static final int WORKERS_MAX = 10_000;

    public static final ServerLimits DEFAULTS = new ServerLimits(DEFAULT_WORKERS, RpcClientConfig.DEFAULT_MAX_FRAME_BYTES,
            DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, DEFAULT_MAX_BUFFERED_BYTES,
            DEFAULT_FRAME_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS);

    public ServerLimits {
        Check.argument(workers >= 1 && workers <= WORKERS_MAX, "workers must be in [1, %s], was %s", WORKERS_MAX, workers);
        Check.argument(maxFrameBytes >= 1024, "maxFrameBytes must be >= 1024, was %s", maxFrameBytes);
        Check.argument(maxConnections >= 1, "maxConnections must be >= 1, was %s", maxConnections);
        Check.argument(maxConnectionsPerAddress >= 1 && maxConnectionsPerAddress <= maxConnections,
                "maxConnectionsPerAddress must be in [1, maxConnections=%s], was %s", maxConnections,
                maxConnectionsPerAddress);
        Check.argument(maxBufferedBytes >= maxFrameBytes, "maxBufferedBytes must be >= maxFrameBytes=%s, was %s",
                maxFrameBytes, maxBufferedBytes);
        Check.argument(frameTimeoutMs > 0, "frameTimeoutMs must be > 0, was %s", frameTimeoutMs);
        Check.argument(idleTimeoutMs > 0, "idleTimeoutMs must be > 0, was %s", idleTimeoutMs);
    }

    public ServerLimits withWorkers(int v) {
        return new ServerLimits(v, maxFrameBytes, maxConnections, maxConnectionsPerAddress, maxBufferedBytes,
                frameTimeoutMs, idleTimeoutMs);
    }

    public ServerLimits withMaxFrameBytes(int v) {
        return new ServerLimits(workers, v, maxConnections, maxConnectionsPerAddress, Math.max(maxBufferedBytes, v),
                frameTimeoutMs, idleTimeoutMs);
    }

    public ServerLimits withConnections(int total, int perAddress) {
        return new ServerLimits(workers, maxFrameBytes, total, perAddress, maxBufferedBytes, frameTimeoutMs,
                idleTimeoutMs);
    }

    public ServerLimits withMaxBufferedBytes(long v) {
        return new ServerLimits(workers, maxFrameBytes, maxConnections, maxConnectionsPerAddress, v, frameTimeoutMs,
                idleTimeoutMs);
    }

    public ServerLimits withTimeouts(long frameMs, long idleMs) {
        return new ServerLimits(workers, maxFrameBytes, maxConnections, maxConnectionsPerAddress, maxBufferedBytes,
                frameMs, idleMs);
    }
}
