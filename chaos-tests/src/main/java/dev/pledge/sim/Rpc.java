package dev.pledge.sim;

import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A node's RPC client: each call gets {@code attemptsMax} attempts of {@code attemptTimeoutMs}
 * each (the real client retries transport failures and timeouts inside the call's deadline), and
 * then reports failure. A late or duplicate response to a finished call is dropped.
 */
final class Rpc {
    /** Bound on calls in flight per node. */
    static final int PENDING_MAX = 10_000;

    private record Pending(String to, Object payload, int attempt, Consumer<Object> onReply, Runnable onFail) {}

    private final String node;
    private final TreeMap<String, Pending> pending = new TreeMap<>();
    private long life = 1;
    private long counter;

    Rpc(String node) {
        this.node = node;
    }

    /** A restart: calls of the old life are gone; ids stay unique because they carry the life. */
    void reset(long newLife) {
        pending.clear();
        life = newLife;
        counter = 0;
    }

    void call(World w, String to, Object payload, Consumer<Object> onReply, Runnable onFail) {
        if (pending.size() >= PENDING_MAX) throw new IllegalStateException(node + " has too many calls in flight");
        String callId = node + "." + life + "." + (++counter);
        pending.put(callId, new Pending(to, payload, 1, onReply, onFail));
        w.send(new Packet(node, to, callId, false, payload));
        w.schedule(new Item.CallTimeout(w.nowMs() + w.rpcAttemptTimeoutMs(), node, life, callId, 1));
    }

    void onResponse(String callId, Object payload) {
        Pending p = pending.remove(callId);
        if (p != null) p.onReply().accept(payload);
    }

    void onTimeout(World w, Item.CallTimeout t) {
        Pending p = pending.get(t.callId());
        if (p == null || p.attempt() != t.attempt()) return;
        if (p.attempt() >= w.rpcAttemptsMax(node)) {
            pending.remove(t.callId());
            p.onFail().run();
            return;
        }
        // As the SDK does, a write-only request says that an earlier attempt may have reached the coordinator.
        Object payload = p.payload() instanceof ClientCall.CommitWrites cw ? cw.asResend() : p.payload();
        pending.put(t.callId(), new Pending(p.to(), payload, p.attempt() + 1, p.onReply(), p.onFail()));
        w.send(new Packet(node, p.to(), t.callId(), false, payload));
        w.schedule(new Item.CallTimeout(w.nowMs() + w.rpcAttemptTimeoutMs(), node, life, t.callId(), p.attempt() + 1));
    }

    boolean isPending(String callId, int attempt) {
        Pending p = pending.get(callId);
        return p != null && p.attempt() == attempt;
    }

    int inFlight() {
        return pending.size();
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        pending.forEach((id, p) -> sb.append(id).append("->").append(p.to()).append(':').append(Writes.describe(p.payload()))
                .append('#').append(p.attempt()).append(' '));
        return sb.toString();
    }
}
