package dev.pledge.coordinator.protocol;

import dev.pledge.core.StepOutputs;
import dev.pledge.core.TxId;

/** Something the core wants to hear about later. Timers may fire late or stale; the core checks. */
public sealed interface Timer {

    /** The transaction's deadline: aborts it if still ACTIVE; resolves it through its participants if PREPARING. */
    record Deadline(TxId txId) implements Timer {}

    /** Retry phase-two delivery, a one-phase inquiry or a vote inquiry to one participant after a failure. */
    record DeliveryRetry(TxId txId, String participantId) implements Timer {}

    /** Forget decisions whose retention has passed. */
    record Sweep() implements Timer {}

    /** A request to fire {@code timer} at {@code fireAtMs} (same clock as the events' nowMs). */
    record Request(Timer timer, long fireAtMs) implements StepOutputs.TimerRequest<Timer> {}
}
