package dev.pledge.core;

/** Why a transaction or branch aborted. Mirrors the wire enum of the same name. */
public enum AbortReason {
    CLIENT_REQUESTED,
    DEADLINE_EXCEEDED,
    PARTICIPANT_VOTED_NO,
    PARTICIPANT_UNREACHABLE,
    PRESUMED_ABORT,
    LOCK_TIMEOUT,
    DEADLOCK_AVOIDED,
    PARTICIPANT_RESTARTED,
    VALIDATION_FAILED,
    COOPERATIVE_TERMINATION,
    HEURISTIC,
    UNKNOWN_BRANCH,
    /** A prepare for a transaction the participant has already finished: stale, or a TxId used twice. */
    ALREADY_FINISHED
}
