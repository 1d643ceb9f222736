package dev.pledge.participant.protocol;

import dev.pledge.core.StepOutputs;

import dev.pledge.core.TxId;

/** Timers the core asks for; firing one is harmless if the state it guarded has moved on. */
public sealed interface Timer {

    /** An unprepared branch past its transaction deadline is aborted. */
    record BranchDeadline(TxId txId) implements Timer {}

    /** A lock wait that is still waiting aborts its branch (LOCK_TIMEOUT). */
    record LockWait(TxId txId, Key key, long waitId) implements Timer {}

    /** Ask the coordinator again about an in-doubt branch; {@code attempt} drives the backoff. */
    record InDoubtPoll(TxId txId, int attempt) implements Timer {}

    /** Drop OUTCOMEs older than the retention period. */
    record OutcomeSweep() implements Timer {}

    /** A request to fire {@code timer} at {@code fireAtMs} (same clock as the events' nowMs). */
    record Request(Timer timer, long fireAtMs) implements StepOutputs.TimerRequest<Timer> {}
}
