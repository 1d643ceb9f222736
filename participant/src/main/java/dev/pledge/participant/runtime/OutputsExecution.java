package dev.pledge.participant.runtime;

import dev.pledge.failpoint.Failpoints;
import dev.pledge.participant.protocol.Event;
import dev.pledge.participant.protocol.Key;
import dev.pledge.participant.protocol.Message;
import dev.pledge.participant.protocol.Outputs;
import dev.pledge.participant.protocol.Record;
import dev.pledge.participant.protocol.Reply;
import dev.pledge.participant.protocol.Write;
import dev.pledge.runtime.Defect;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * How a participant executes one step's Outputs after its timers and log lines: the records go
 * to the log, and the replies and messages are released only once those records (and every
 * earlier one) are durable. Used by the production {@link EventLoop} and, unchanged, by the
 * simulator, which plugs in its own log and effects.
 *
 * <p>It also keeps the overlay of unstored commits. The core releases a branch's locks as it
 * commits, so a later step (a prepare validating a branch born with its writes) may read those
 * keys before the store has them: {@link #committed} answers with the commits the core applied,
 * stored or not.
 */
public final class OutputsExecution {
    /** Crash point: PREPARED is durable, the YES vote has not left. */
    public static final String FAILPOINT_PREPARED_SYNCED = "participant.prepared.synced";

    /** Where records go: the group-commit writer, or the simulator's driver of the same state machine. */
    public interface Log {
        void submit(List<Record> records, boolean sync, boolean lingering, Runnable release);
    }

    /** Where released effects go, in order. */
    public interface Effects {
        void reply(Reply reply);

        void send(Message message);

        /** The records of one Outputs are durable (before its replies and messages are released). */
        default void recorded(List<Record> records) {}
    }

    private final Log log;
    private final boolean overlayDropped;
    private final Map<Key, Write> unstored = new ConcurrentHashMap<>();

    /** {@code defects}: deliberate bugs for mutation tests; production passes none. */
    public OutputsExecution(Log log, Set<Defect> defects) {
        this.log = log;
        this.overlayDropped = defects.contains(Defect.OVERLAY_DROPPED);
    }

    /** Logs the records of {@code out} and releases its replies and messages once they are durable. */
    public void execute(Event cause, Outputs out, Effects effects) {
        if (out.records().isEmpty() && out.messages().isEmpty() && out.replies().isEmpty()) return;
        boolean prepares = Failpoints.enabled() && has(out.records(), Record.Prepared.class);
        List<Write> applied = remember(out.records());
        log.submit(out.records(), out.mustSync(), lingers(cause), new Release(out, effects, applied, prepares));
    }

    /** The action run once an Outputs' records are durable; named so that simulated states hash alike. */
    private final class Release implements Runnable {
        private final Outputs out;
        private final Effects effects;
        private final List<Write> applied;
        private final boolean prepares;

        Release(Outputs out, Effects effects, List<Write> applied, boolean prepares) {
            this.out = out;
            this.effects = effects;
            this.applied = applied;
            this.prepares = prepares;
        }

        @Override
        public void run() {
            // Removed only if still the newest unstored write of its key. An equal newer write may
            // go with it: the store now holds that same value, since releases run in order.
            for (Write w : applied) unstored.remove(w.key(), w);
            if (prepares) Failpoints.hit(FAILPOINT_PREPARED_SYNCED);
            if (!out.records().isEmpty()) effects.recorded(out.records());
            for (Reply r : out.replies()) effects.reply(r);
            for (Message m : out.messages()) effects.send(m);
        }

        @Override
        public String toString() {
            return "release replies=" + out.replies() + " messages=" + out.messages();
        }
    }

    /** Notes the committed writes of {@code records} until they are stored; returns them. */
    private List<Write> remember(List<Record> records) {
        if (overlayDropped) return List.of();
        List<Write> applied = List.of();
        for (Record r : records) {
            if (!(r instanceof Record.Applied a)) continue;
            if (applied.isEmpty()) applied = new ArrayList<>();
            for (Write w : a.writes()) {
                unstored.put(w.key(), w);
                applied.add(w);
            }
        }
        return applied;
    }

    /**
     * The committed value of {@code key} as the core knows it: a commit applied by an earlier step
     * counts even if it is not stored yet. Null if absent or deleted. Any thread.
     */
    public byte[] committed(byte[] key, Function<byte[], byte[]> store) {
        Write w = unstored.get(Key.of(key));
        return w != null ? (w.isDelete() ? null : w.value().clone()) : store.apply(key);
    }

    /** The newest unstored committed write of {@code key}, or null. */
    public Write unstored(Key key) {
        return unstored.get(key);
    }

    private static boolean has(List<Record> records, Class<? extends Record> kind) {
        for (Record r : records) {
            if (kind.isInstance(r)) return true;
        }
        return false;
    }

    /**
     * A Pledge coordinator's phase-two commit: its acknowledgement only lets the coordinator write
     * END, so its sync may wait briefly to share the next one. Not an external (XA) branch's commit:
     * there a transaction manager holds the application until every branch has acknowledged.
     */
    public static boolean lingers(Event e) {
        return e instanceof Event.Commit c && !c.txId().isExternal();
    }
}
