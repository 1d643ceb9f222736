package dev.pledge.xa;

import dev.pledge.core.AbortReason;
import dev.pledge.core.BranchState;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

/** What a participant's answers mean in XA's error codes, with the participant's words kept. */
final class XaErrors {
    private XaErrors() {}

    static XAException of(int errorCode, String message) {
        XAException e = new XAException(message);
        e.errorCode = errorCode;
        return e;
    }

    static XAException of(int errorCode, String message, Throwable cause) {
        XAException e = of(errorCode, message);
        e.initCause(cause);
        return e;
    }

    /** The rollback code for a NO vote: the branch is already rolled back at the participant. */
    static int rollbackCode(AbortReason reason) {
        if (reason == null) return XAException.XA_RBROLLBACK;
        return switch (reason) {
            case VALIDATION_FAILED -> XAException.XA_RBINTEGRITY;
            case DEADLOCK_AVOIDED -> XAException.XA_RBDEADLOCK;
            // A conflicting lock holder is gone soon: the same work may succeed if tried again.
            case LOCK_TIMEOUT -> XAException.XA_RBTRANSIENT;
            case DEADLINE_EXCEEDED -> XAException.XA_RBTIMEOUT;
            case PARTICIPANT_UNREACHABLE -> XAException.XA_RBCOMMFAIL;
            case PARTICIPANT_RESTARTED, UNKNOWN_BRANCH -> XAException.XA_RBOTHER;
            default -> XAException.XA_RBROLLBACK;
        };
    }

    /**
     * The code for what a branch told to commit ({@code commit}) or roll back answered: XA_OK when
     * it did as told, else the heuristic code that says what it did instead.
     */
    static int phaseTwoCode(BranchState state, boolean commit) {
        return switch (state) {
            // UNKNOWN: the branch is finished and forgotten; phase two is idempotent.
            case UNKNOWN -> XAResource.XA_OK;
            case COMMITTED -> commit ? XAResource.XA_OK : XAException.XA_HEURCOM;
            case ABORTED -> commit ? XAException.XA_HEURRB : XAResource.XA_OK;
            case HEURISTIC_COMMITTED -> XAException.XA_HEURCOM;
            case HEURISTIC_ABORTED -> XAException.XA_HEURRB;
            case HEURISTIC_MIXED -> XAException.XA_HEURMIX;
            // Still undecided after being told: the participant could not apply it yet; ask again.
            case ACTIVE, PREPARED -> XAException.XAER_RMFAIL;
        };
    }
}
