package dev.pledge.core;

/** Why a transaction or branch aborted. Mirrors the wire enum of the same name; stored by its id. */
public enum AbortReason implements OnDiskId {
    CLIENT_REQUESTED(0),
    DEADLINE_EXCEEDED(1),
    PARTICIPANT_VOTED_NO(2),
    PARTICIPANT_UNREACHABLE(3),
    PRESUMED_ABORT(4),
    LOCK_TIMEOUT(5),
    DEADLOCK_AVOIDED(6),
    PARTICIPANT_RESTARTED(7),
    VALIDATION_FAILED(8),
    COOPERATIVE_TERMINATION(9),
    HEURISTIC(10),
    UNKNOWN_BRANCH(11),
    /** A prepare for a transaction the participant has already finished: stale, or a TxId used twice. */
    ALREADY_FINISHED(12);

    private final int onDiskId;

    AbortReason(int onDiskId) {
        this.onDiskId = onDiskId;
    }

    @Override
    public int onDiskId() {
        return onDiskId;
    }
}
