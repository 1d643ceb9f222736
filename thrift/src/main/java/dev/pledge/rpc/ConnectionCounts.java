package dev.pledge.rpc;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/** Open connections in total and per remote address, against the server's two connection limits. */
final class ConnectionCounts {
    private final int maxTotal;
    private final int maxPerAddress;
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private int total;

    ConnectionCounts(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Counts a new connection from {@code address}; or, over a limit, counts nothing and says which limit. */
    synchronized String tryOpen(InetAddress address) {
        if (total >= maxTotal) {
            return total + " connections are open (maxConnections " + maxTotal + ")";
        }
        int fromAddress = perAddress.getOrDefault(address, 0);
        if (fromAddress >= maxPerAddress) {
            return fromAddress + " connections are open from " + address.getHostAddress()
                    + " (maxConnectionsPerAddress " + maxPerAddress + ")";
        }
        perAddress.put(address, fromAddress + 1);
        total++;
        return null;
    }

    synchronized void closed(InetAddress address) {
        int fromAddress = perAddress.getOrDefault(address, 0);
        if (fromAddress <= 1) {
            perAddress.remove(address);
        } else {
            perAddress.put(address, fromAddress - 1);
        }
        total--;
    }

    synchronized int total() {
        return total;
    }
}
