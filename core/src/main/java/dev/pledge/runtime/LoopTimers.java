package dev.pledge.runtime;

import dev.pledge.core.Check;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The timers of one event-loop thread, kept in a heap by due time and fired by that thread
 * between events: no timer thread to wake, no hand-off per timer. A protocol core sets a timer
 * for nearly every transaction (deadlines, in-doubt polls) and most fire long after it finished,
 * as a no-op; here such a timer costs a heap insert and a heap removal. Not thread-safe.
 *
 * @param <T> the core's timer type
 */
public final class LoopTimers<T> {
    private record Due<T>(long atMs, long seq, T timer) {}

    private final PriorityQueue<Due<T>> heap = new PriorityQueue<>(
            Comparator.<Due<T>>comparingLong(Due::atMs).thenComparingLong(Due::seq));
    private long nextSeq;

    /** Sets {@code timer} to fire at {@code atMs}; timers due at the same time fire in the order set. */
    public void add(T timer, long atMs) {
        Check.notNull(timer, "timer");
        heap.add(new Due<>(atMs, nextSeq++, timer));
    }

    /** How long the loop may wait for an event before a timer is due: 0 if one is due, at most {@code maxWaitMs}. */
    public long waitMs(long nowMs, long maxWaitMs) {
        Due<T> first = heap.peek();
        if (first == null) return maxWaitMs;
        return Math.max(0, Math.min(maxWaitMs, first.atMs() - nowMs));
    }

    /** When the earliest timer is due, or Long.MAX_VALUE if none is set. */
    public long nextAtMs() {
        Due<T> first = heap.peek();
        return first == null ? Long.MAX_VALUE : first.atMs();
    }

    /** Removes and returns every timer due at {@code nowMs}, earliest first. */
    public List<T> due(long nowMs) {
        if (heap.isEmpty() || heap.peek().atMs() > nowMs) return List.of(); // the common case: no list per loop turn
        List<T> due = new ArrayList<>();
        while (!heap.isEmpty() && heap.peek().atMs() <= nowMs) due.add(heap.poll().timer());
        return due;
    }

    public int size() {
        return heap.size();
    }
}
