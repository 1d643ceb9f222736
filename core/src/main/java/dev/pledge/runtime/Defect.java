package dev.pledge.runtime;

/**
 * Deliberate bugs in the runtime, for the simulator's mutation tests only: each one breaks a rule
 * the runtime exists to keep, and the simulator must catch it. Production passes none. They live
 * here, in the code they break, so that the simulator tests the runtime that ships rather than a
 * copy of it.
 */
public enum Defect {
    /** The writer writes every batch but never syncs one. */
    WRITER_SKIPS_SYNC,
    /** Messages and replies leave as soon as they are produced, before their records are durable. */
    RELEASED_BEFORE_DURABLE,
    /** A lingering (synced, not urgent) entry is acknowledged at once; its records are synced later. */
    LINGERING_ACKED_BEFORE_SYNC,
    /** A participant forgets the commits it applied but has not stored yet (reads miss them). */
    OVERLAY_DROPPED
}
