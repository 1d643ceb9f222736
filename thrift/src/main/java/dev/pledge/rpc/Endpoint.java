package dev.pledge.rpc;

import dev.pledge.core.Check;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

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

    /** Several endpoints, comma-separated: the replicas of one replicated participant. */
    public static List<Endpoint> parseList(String commaSeparated) {
        Check.notNull(commaSeparated, "commaSeparated");
        List<Endpoint> all = new ArrayList<>();
        for (String one : commaSeparated.split(",")) all.add(parse(one.strip()));
        Check.argument(all.size() == new HashSet<>(all).size(), "an endpoint is listed twice: '%s'", commaSeparated);
        return List.copyOf(all);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
