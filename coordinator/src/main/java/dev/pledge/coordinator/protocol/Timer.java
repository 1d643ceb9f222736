package dev.pledge.coordinator.protocol;

import dev.pledge.core.StepOutputs;
import dev.pledge.core.TxId;

/** Something the core wants to hear about later. Timers may fire late or stale; the core checks. */
public sealed interface Timer {

    /**
     * The earliest deadline of a live transaction, {@code atMs}: each transaction whose deadline has
     * passed is aborted if still ACTIVE, resolved through its participants if PREPARING. One timer
     * stands for every deadline, set again for the next earliest when it fires: a timer per
     * transaction would outlive nearly every transaction by its whole timeout, in memory.
     */
    record Deadline(long atMs) implements Timer {}

    /** Retry phase-two delivery, a one-phase inquiry or a vote inquiry to one participant after a failure. */
    record DeliveryRetry(TxId txId, String participantId) implements Timer {}

    /** Forget decisions whose retention has passed. */
    record Sweep() implements Timer {}

    /** A request to fire {@code timer} at {@code fireAtMs} (same clock as the events' nowMs). */
    record Request(Timer timer, long fireAtMs) implements StepOutputs.TimerRequest<Timer> {}
}
