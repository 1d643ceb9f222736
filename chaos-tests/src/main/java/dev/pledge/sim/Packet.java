package dev.pledge.sim;

/**
 * One message on the simulated network: a request of call {@code callId}, or its response.
 * {@code payload} is a core's Message/Reply value or a client request; the receiver translates it.
 */
record Packet(String from, String to, String callId, boolean response, Object payload) {
    String describe() {
        return (response ? "resp " : "req ") + from + "->" + to + " " + callId + " " + Writes.describe(payload);
    }
}
