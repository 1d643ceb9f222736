package dev.pledge.sim;

/**
 * Something pending in the simulated world, due at {@code dueMs}. The random driver runs the
 * earliest; the exhaustive explorer may run any, in any order (every order is a valid schedule).
 */
sealed interface Item {
    long dueMs();

    /** Canonical text without ids that depend on interleaving, for state hashing and traces. */
    String describe();

    record Delivery(long dueMs, Packet packet) implements Item {
        public String describe() {
            return "deliver " + packet.describe();
        }
    }

    /** The node's log writer writes (and syncs if needed) everything queued, then releases effects. */
    record Flush(long dueMs, String node, long life) implements Item {
        public String describe() {
            return "flush " + node + "#" + life;
        }
    }

    record TimerFire(long dueMs, String node, long life, Object timer) implements Item {
        public String describe() {
            return "timer " + node + "#" + life + " " + timer + " @" + dueMs;
        }
    }

    /** One attempt of an RPC call got no answer in time: the RPC layer retries or reports failure. */
    record CallTimeout(long dueMs, String node, long life, String callId, int attempt) implements Item {
        public String describe() {
            return "rpc-timeout " + node + "#" + life + " " + callId + " attempt " + attempt + " @" + dueMs;
        }
    }

    record ClientWake(long dueMs, String client, long wakeId) implements Item {
        public String describe() {
            return "wake " + client + " #" + wakeId + " @" + dueMs;
        }
    }

    record Restart(long dueMs, String node) implements Item {
        public String describe() {
            return "restart " + node;
        }
    }
}
