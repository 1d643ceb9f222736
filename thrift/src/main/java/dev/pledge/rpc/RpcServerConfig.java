package dev.pledge.rpc;

import dev.pledge.core.Check;

/**
 * Immutable, validated settings of one {@link RpcServer}.
 *
 * @param bindHost        address to listen on ("0.0.0.0" for all, "127.0.0.1" for loopback only)
 * @param port            port to listen on; 0 picks a free ephemeral port ({@link RpcServer#port()} tells which)
 * @param minWorkers      worker threads kept alive
 * @param maxWorkers      most connections served at once (one worker per connection); more are closed at once
 * @param maxFrameBytes   largest frame and message accepted; a bigger one closes that connection
 * @param clientTimeoutMs a connection silent this long is closed, so idle clients cannot pin workers forever
 */
public record RpcServerConfig(String bindHost, int port, int minWorkers, int maxWorkers, int maxFrameBytes,
        long clientTimeoutMs) {

    static final int MAX_WORKERS_MAX = 10_000;

    public RpcServerConfig {
        Check.notNull(bindHost, "bindHost");
        Check.argument(!bindHost.isBlank(), "bindHost is blank");
        Check.argument(port >= 0 && port <= 65535, "port must be in [0, 65535], was %s", port);
        Check.argument(minWorkers >= 1, "minWorkers must be >= 1, was %s", minWorkers);
        Check.argument(maxWorkers >= minWorkers && maxWorkers <= MAX_WORKERS_MAX,
                "maxWorkers must be in [minWorkers=%s, %s], was %s", minWorkers, MAX_WORKERS_MAX, maxWorkers);
        Check.argument(maxFrameBytes >= 1024, "maxFrameBytes must be >= 1024, was %s", maxFrameBytes);
        Check.argument(clientTimeoutMs > 0 && clientTimeoutMs <= Integer.MAX_VALUE,
                "clientTimeoutMs must be in [1, %s], was %s", Integer.MAX_VALUE, clientTimeoutMs);
    }

    public static RpcServerConfig defaults(String bindHost, int port) {
        return new RpcServerConfig(bindHost, port, 4, 64, RpcClientConfig.DEFAULT_MAX_FRAME_BYTES, 60_000);
    }

    public RpcServerConfig withWorkers(int min, int max) {
        return new RpcServerConfig(bindHost, port, min, max, maxFrameBytes, clientTimeoutMs);
    }

    public RpcServerConfig withMaxFrameBytes(int v) {
        return new RpcServerConfig(bindHost, port, minWorkers, maxWorkers, v, clientTimeoutMs);
    }

    public RpcServerConfig withClientTimeoutMs(long v) {
        return new RpcServerConfig(bindHost, port, minWorkers, maxWorkers, maxFrameBytes, v);
    }
}
