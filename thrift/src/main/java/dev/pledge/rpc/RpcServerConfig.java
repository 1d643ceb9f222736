package dev.pledge.rpc;

import dev.pledge.core.Check;

/**
 * Where one {@link RpcServer} listens, and what its connections may take.
 *
 * @param bindHost address to listen on ("0.0.0.0" for all, "127.0.0.1" for loopback only)
 * @param port     port to listen on; 0 picks a free ephemeral port ({@link RpcServer#port()} tells which)
 * @param limits   connection and request limits
 * @param tls      TLS for every connection, clients' certificates required; null for plain TCP
 */
public record RpcServerConfig(String bindHost, int port, ServerLimits limits, RpcTls tls) {

    public RpcServerConfig {
        Check.notNull(bindHost, "bindHost");
        Check.argument(!bindHost.isBlank(), "bindHost is blank");
        Check.argument(port >= 0 && port <= 65535, "port must be in [0, 65535], was %s", port);
        Check.notNull(limits, "limits");
    }

    public static RpcServerConfig defaults(String bindHost, int port) {
        return new RpcServerConfig(bindHost, port, ServerLimits.DEFAULTS, null);
    }

    public static RpcServerConfig of(Endpoint listen, ServerLimits limits) {
        return new RpcServerConfig(listen.host(), listen.port(), limits, null);
    }

    public RpcServerConfig withLimits(ServerLimits v) {
        return new RpcServerConfig(bindHost, port, v, tls);
    }

    public RpcServerConfig withPort(int v) {
        return new RpcServerConfig(bindHost, v, limits, tls);
    }

    public RpcServerConfig withTls(RpcTls v) {
        return new RpcServerConfig(bindHost, port, limits, v);
    }
}
