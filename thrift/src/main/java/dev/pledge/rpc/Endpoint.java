package dev.pledge.rpc;

import dev.pledge.core.Check;

/** A node's network address. Text form "host:port"; IPv6 literals are written "[::1]:9090". */
public record Endpoint(String host, int port) {

    public Endpoint {
        Check.notNull(host, "host");
        Check.argument(!host.isBlank(), "host is blank");
        Check.argument(port >= 0 && port <= 65535, "port must be in [0, 65535], was %s", port);
    }

    public static Endpoint parse(String hostColonPort) {
        Check.notNull(hostColonPort, "hostColonPort");
        int colon = hostColonPort.lastIndexOf(':');
        Check.argument(colon > 0 && colon < hostColonPort.length() - 1,
                "not an endpoint (want host:port): '%s'", hostColonPort);
        String host = hostColonPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(hostColonPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an endpoint (port is not a number): '" + hostColonPort + "'", e);
        }
        return new Endpoint(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
