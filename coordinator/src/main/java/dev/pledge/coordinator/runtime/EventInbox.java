package dev.pledge.coordinator.runtime;

import dev.pledge.coordinator.protocol.Event;
import dev.pledge.core.Check;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The event loop's input. Client requests are admitted up to {@code clientEventsMax} waiting at
 * once and refused beyond (the caller answers Unavailable). Internal events (votes, acks, timers)
 * are never dropped, because losing one could stall a delivery; their number is bounded by the
 * messages and timers in flight, and the queue has a hard cap too.
 */
final class EventInbox {
    private record Entry(Event event, boolean client) {}

    private final BlockingQueue<Entry> queue;
    private final Semaphore clientPermits;

    EventInbox(int clientEventsMax, int internalEventsMax) {
        Check.argument(clientEventsMax > 0 && internalEventsMax > 0, "limits must be > 0");
        this.queue = new LinkedBlockingQueue<>(clientEventsMax + internalEventsMax);
        this.clientPermits = new Semaphore(clientEventsMax);
    }

    /** False when too many client requests are already waiting. */
    boolean offerClient(Event event) {
        if (!clientPermits.tryAcquire()) return false;
        if (queue.offer(new Entry(event, true))) return true;
        clientPermits.release();
        return false;
    }

    /** Waits for room: internal events must not be lost. */
    void postInternal(Event event) {
        try {
            queue.put(new Entry(event, false));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // only at shutdown, when the event no longer matters
        }
    }

    /** The next event, or null after {@code waitMs} without one. */
    Event poll(long waitMs) throws InterruptedException {
        Entry e = queue.poll(waitMs, TimeUnit.MILLISECONDS);
        if (e == null) return null;
        if (e.client()) clientPermits.release();
        return e.event();
    }

    int size() {
        return queue.size();
    }
}
