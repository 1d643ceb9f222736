package dev.pledge.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The runtime's group-commit log writer: Outputs wait here until a flush writes all their records
 * in one batch, syncs once if any of them must be synced, and then releases their effects
 * (messages and replies) in order. This is the ordering rule on Outputs, executed.
 */
final class WriterQueue {
    /** Bounded like the real writer's queue; the event loop never runs that far ahead of the disk. */
    static final int QUEUED_MAX = 10_000;

    /** One step's effects, released only after its records (and all earlier ones) are durable. */
    record Effect(String description, Runnable action) {}

    private record Queued(List<Object> records, boolean sync, List<Effect> effects) {}

    private final List<Queued> queue = new ArrayList<>();

    void enqueue(List<?> records, boolean sync, List<Effect> effects) {
        if (records.isEmpty() && effects.isEmpty()) return;
        if (queue.size() >= QUEUED_MAX) throw new IllegalStateException("writer queue over " + QUEUED_MAX);
        queue.add(new Queued(List.copyOf(records), sync, List.copyOf(effects)));
    }

    /** The last queued (not yet written) committed write of {@code key}, or null: what the runtime's overlay holds. */
    dev.pledge.participant.protocol.Write unwritten(dev.pledge.participant.protocol.Key key) {
        dev.pledge.participant.protocol.Write latest = null;
        for (Queued q : queue) {
            for (Object r : q.records()) {
                if (!(r instanceof dev.pledge.participant.protocol.Record.Applied a)) continue;
                for (dev.pledge.participant.protocol.Write w : a.writes()) if (w.key().equals(key)) latest = w;
            }
        }
        return latest;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Writes and syncs, then returns the effects to release, in order; {@code written} sees the records. */
    List<Effect> flush(SimDisk<?> disk, java.util.function.BiConsumer<List<Object>, Boolean> written) {
        List<Object> records = new ArrayList<>();
        boolean sync = false;
        List<Effect> effects = new ArrayList<>();
        for (Queued q : queue) {
            records.addAll(q.records());
            sync |= q.sync();
            effects.addAll(q.effects());
        }
        queue.clear();
        disk.write(records, sync);
        written.accept(records, sync);
        return effects;
    }

    /** A crash: nothing queued was written, nothing it carried is released. */
    void clear() {
        queue.clear();
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        for (Queued q : queue) {
            sb.append('[').append(q.records()).append(q.sync() ? " sync" : "");
            q.effects().forEach(e -> sb.append(" ").append(e.description()));
            sb.append(']');
        }
        return sb.toString();
    }
}
