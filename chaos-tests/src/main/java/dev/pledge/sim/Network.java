package dev.pledge.sim;

import java.util.TreeSet;

/**
 * Links between nodes: a set of blocked directed links (a two-way partition blocks both). Loss,
 * duplication and delay are decided per packet from the run's random stream while faults are on.
 */
final class Network {
    private final TreeSet<String> blocked = new TreeSet<>();

    private static String link(String from, String to) {
        return from + ">" + to;
    }

    void block(String from, String to) {
        blocked.add(link(from, to));
    }

    void heal() {
        blocked.clear();
    }

    boolean isPartitioned() {
        return !blocked.isEmpty();
    }

    boolean passes(String from, String to) {
        return !blocked.contains(link(from, to));
    }

    String describe() {
        return blocked.toString();
    }
}
