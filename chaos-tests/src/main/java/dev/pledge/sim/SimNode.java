package dev.pledge.sim;

import dev.pledge.runtime.Defect;
import dev.pledge.runtime.GroupCommit;
import dev.pledge.runtime.LogStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * What every simulated server node has: a life (incremented at each restart), the production
 * group-commit state machine ({@link GroupCommit}) driven by scheduled flushes, an RPC
 * client, the requests it is serving, and a digest of the events its current core has stepped
 * (the core is a function of its recovered records and those events, which is what hashing needs).
 */
abstract class SimNode {
    /** A request being served: where the response goes once the core replies to its token. */
    private record Inbound(String callId, String from, Object request) {}

    /** One step's effects, released only after its records (and all earlier ones) are durable. */
    record Effect(String description, Runnable action) {}

    /** Effects released together, named so that equal queues describe (and hash) alike. */
    private record Released(List<Effect> effects) implements Runnable {
        @Override
        public void run() {
            for (Effect e : effects) e.action().run();
        }

        @Override
        public String toString() {
            return effects.stream().map(Effect::description).toList().toString();
        }
    }

    final String id;
    private final int batchEntriesMax;
    private final long lingerMs;
    final Set<Defect> defects;
    /** The node's writer state; a new one each life, since a crash loses the process's queue. */
    GroupCommit<Object> writer;
    /** A flush found only lingering entries and is holding them for company. */
    private boolean lingering;
    final Rpc rpc;
    private final TreeMap<Long, Inbound> serving = new TreeMap<>();
    long life = 1;
    boolean up = true;
    boolean flushScheduled;
    private long nextToken;
    private long historyDigest;
    private long eventsStepped;

    /**
     * {@code batchEntriesMax} and {@code lingerMs} as the node's production runtime sets its writer;
     * {@code defects}: runtime bugs injected by mutation tests.
     */
    SimNode(String id, int batchEntriesMax, long lingerMs, Set<Defect> defects) {
        this.id = id;
        this.batchEntriesMax = batchEntriesMax;
        this.lingerMs = lingerMs;
        this.defects = Set.copyOf(defects);
        this.writer = new GroupCommit<>(batchEntriesMax, defects);
        this.rpc = new Rpc(id);
    }

    abstract SimDisk<?, ?> disk();

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
        lingering = false;
        writer = new GroupCommit<>(batchEntriesMax, defects);
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

    /** Entries wait to be written. */
    final boolean writing() {
        return writer.queued() > 0;
    }

    /**
     * What GroupCommitWriter's thread does, as one scheduled event: hold a batch of only lingering
     * entries for the linger (a later submission ends the wait), else take a batch, write it with
     * one sync if any entry needs it, and release its effects in order.
     */
    final void flush(World w) {
        flushScheduled = false;
        if (writer.queued() == 0) return;
        if (lingerMs > 0 && !lingering && writer.onlyLingering()) {
            lingering = true;
            writer.noteLingered();
            flushScheduled = true;
            w.schedule(new Item.Flush(w.nowMs() + lingerMs, id, life));
            return;
        }
        lingering = false;
        GroupCommit.Batch<Object> batch = writer.take();
        LogStore<Object> store = (records, sync) -> {
            disk().write(records, sync);
            w.checker().onWritten(id, records, sync);
        };
        try {
            batch.write(store);
        } catch (InvariantViolation v) {
            throw v; // the checker judged what was written
        } catch (Exception e) {
            throw new IllegalStateException(id + " simulated write failed", e);
        }
        batch.count();
        batch.release(e -> {
            throw e;
        });
        writer.done(batch);
        if (writer.queued() > 0) w.scheduleFlush(this);
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
    final Effect respond(World w, long token, Object answer) {
        return new Effect("answer#" + token + " " + answer, () -> {
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

    final void release(World w, List<?> records, boolean sync, List<Effect> effects) {
        if (records.isEmpty() && effects.isEmpty()) return;
        submit(w, records, sync, false, new Released(List.copyOf(effects)));
    }

    /** Submits to the writer as the event loop does; runs what must run now, and keeps a flush coming. */
    @SuppressWarnings("unchecked")
    final void submit(World w, List<?> records, boolean sync, boolean lingers, Runnable release) {
        Runnable now = writer.submit((List<Object>) records, sync, lingers, release);
        if (writer.queued() > 0) {
            if (lingering && !writer.onlyLingering()) {
                // Company arrived: the writer thread wakes and takes the batch at once.
                lingering = false;
                flushScheduled = true;
                w.schedule(new Item.Flush(w.nowMs(), id, life));
            } else {
                w.scheduleFlush(this);
            }
        }
        now.run();
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
