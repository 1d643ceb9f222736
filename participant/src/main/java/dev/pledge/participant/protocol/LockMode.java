package dev.pledge.participant.protocol;

/** Shared locks are for reads and are compatible with each other; exclusive locks are for writes. */
public enum LockMode {
    SHARED, EXCLUSIVE;

    public boolean compatibleWith(LockMode other) {
        return this == SHARED && other == SHARED;
    }

    /** The stronger of two modes: what a transaction holds after asking for both. */
    public LockMode max(LockMode other) {
        return this == EXCLUSIVE || other == EXCLUSIVE ? EXCLUSIVE : SHARED;
    }
}
