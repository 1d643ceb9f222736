package dev.pledge.chaos.cluster;

import java.util.List;
import java.util.Locale;

/**
 * One scheduled fault: what, on which nodes, for how long, and (packet loss) with what probability.
 * {@code nodes} names the victim first; for cuts, the nodes on each side in order.
 */
record Fault(FaultKind kind, List<String> nodes, long durationMs, double lossProbability) {
    Fault {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) throw new IllegalArgumentException("a fault needs a node");
        if (durationMs <= 0) throw new IllegalArgumentException("durationMs must be > 0, was " + durationMs);
    }

    @Override
    public String toString() {
        String base = kind + " " + String.join(",", nodes) + " for " + durationMs + " ms";
        return kind == FaultKind.PACKET_LOSS ? base + String.format(Locale.ROOT, " p=%.2f", lossProbability) : base;
    }
}
