package dev.pledge.core;

/** A participant's view of its own branch. Mirrors the wire enum of the same name. */
public enum BranchState {
    UNKNOWN, ACTIVE, PREPARED, COMMITTED, ABORTED, HEURISTIC_COMMITTED, HEURISTIC_ABORTED, HEURISTIC_MIXED
}
