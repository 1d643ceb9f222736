package dev.pledge.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * What every simulated server node has: a life (incremented at each restart), a log writer, an RPC
 * client, the requests it is serving, and a digest of the events its current core has stepped
 * (the core is a function of its recovered records and those events, which is what hashing needs).
 */
abstract class SimNode {
    /** A request being served: where the response goes once the core replies to its token. */
    private record Inbound(String callId, String from, Object request) {}

    final String id;
    final WriterQueue writer = new WriterQueue();
    final Rpc rpc;
    private final TreeMap<Long, Inbound> serving = new TreeMap<>();
    long life = 1;
    boolean up = true;
    boolean flushScheduled;
    private long nextToken;
    private long historyDigest;
    private long eventsStepped;

    SimNode(String id) {
        this.id = id;
        this.rpc = new Rpc(id);
    }

    abstract SimDisk<?> disk();

    /** Builds the core from the durable records through its own recover path. */
    abstract void boot(World w);

    abstract void onRequest(World w, Packet p);

    abstract void onTimer(World w, Object timer);

    abstract void dropCore();

    /** A one-line summary of the core's read-only views, for state hashing. */
    abstract String describeCore();

    final void crash(World w, int unsyncedKept) {
        stop();
        int lost = disk().crash(unsyncedKept);
        w.stats().unsyncedBatchesLost += lost;
        w.trace(id + " CRASH (" + lost + " unsynced batches lost)");
    }

    /** A crash after which the node restarts on an empty data directory (a replaced disk, a container without its volume). */
    final void loseDisk(World w) {
        stop();
        int lost = disk().wipe();
        w.stats().unsyncedBatchesLost += lost;
        w.trace(id + " DISK LOST: crash, every record gone (" + lost + " unsynced batches with them); restarts empty");
    }

    private void stop() {
        up = false;
        flushScheduled = false;
        writer.clear();
        serving.clear();
        rpc.reset(life);
        dropCore();
    }

    final void restart(World w) {
        life++;
        up = true;
        nextToken = 0;
        historyDigest = 0;
        eventsStepped = 0;
        rpc.reset(life);
        w.trace(id + " RESTART life " + life);
        boot(w);
    }

    final void flush(World w) {
        flushScheduled = false;
        List<WriterQueue.Effect> effects = writer.flush(disk(), (records, sync) -> w.checker().onWritten(id, records, sync));
        for (WriterQueue.Effect e : effects) e.action().run();
    }

    final long newToken() {
        return ++nextToken;
    }

    /** Remembers a request under a fresh token; the core's reply to that token answers it. */
    final long serve(Packet p) {
        long token = newToken();
        serving.put(token, new Inbound(p.callId(), p.from(), p.payload()));
        return token;
    }

    final boolean isServing(long token) {
        return serving.containsKey(token);
    }

    /** The effect that sends the answer to the request served under {@code token}. */
    final WriterQueue.Effect respond(World w, long token, Object answer) {
        return new WriterQueue.Effect("answer#" + token + " " + answer, () -> {
            Inbound in = serving.remove(token);
            if (in == null) return;
            w.checker().onAnswer(id, in.request(), answer);
            w.send(new Packet(id, in.from(), in.callId(), true, stamp(answer)));
        });
    }

    /** What goes on the wire for {@code answer}: the answer itself, unless the node's adapter adds to it. */
    Object stamp(Object answer) {
        return answer;
    }

    final void noteEvent(Object event) {
        eventsStepped++;
        historyDigest = historyDigest * 1_000_003L + event.toString().hashCode();
    }

    final void release(World w, List<?> records, boolean sync, List<WriterQueue.Effect> effects) {
        if (records.isEmpty() && effects.isEmpty()) return;
        writer.enqueue(records, sync, effects);
        w.scheduleFlush(this);
    }

    String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(id + "#" + life + (up ? " up" : " down"));
        if (up) {
            parts.add("events=" + eventsStepped + "/" + Long.toHexString(historyDigest));
            parts.add(describeCore());
            parts.add("serving=" + serving.keySet());
            parts.add("rpc=" + rpc.describe());
            parts.add("writer=" + writer.describe());
        }
        parts.add("disk=" + disk().describe());
        return String.join(" | ", parts);
    }
}
