package dev.pledge.participant.protocol;

import dev.pledge.core.AbortReason;

/** A finished branch's outcome, kept for repeats and peers until the retention sweep drops it. */
record Remembered(Record.Final state, AbortReason reason, String message, long atMs, boolean durable) {}
