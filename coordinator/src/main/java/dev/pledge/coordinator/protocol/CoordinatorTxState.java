package dev.pledge.coordinator.protocol;

import java.util.EnumSet;
import java.util.Set;

/**
 * A transaction's state inside the coordinator. Transitions (each checked against
 * {@link #validPreviousStates()}; anything else throws {@link IllegalStateException}):
 * <ul>
 *   <li>(new) → ACTIVE on begin;</li>
 *   <li>ACTIVE → PREPARING on commit (2PC prepare sent, or the ONE_PHASE marker written);</li>
 *   <li>ACTIVE → ABORTED on client abort, deadline, or a participant that restarted (lost branch);</li>
 *   <li>PREPARING → COMMITTED when every participant voted YES or READ_ONLY and COMMIT is written;</li>
 *   <li>PREPARING → ABORTED on a NO vote, an unreachable participant, the deadline or client abort;</li>
 *   <li>COMMITTED → ENDED when every YES voter acknowledged and END is written;</li>
 *   <li>ENDED → FORGOTTEN when the retention period has passed and FORGET is written.</li>
 * </ul>
 * ENDED is internal: clients see COMMITTED until it is forgotten. Aborted transactions leave
 * memory after retention without a transition, because presumed abort then gives the same answer.
 */
public enum CoordinatorTxState {
    ACTIVE, PREPARING, COMMITTED, ENDED, ABORTED, FORGOTTEN;

    /** The states from which a transaction may move into this one. */
    public Set<CoordinatorTxState> validPreviousStates() {
        return switch (this) {
            case ACTIVE -> EnumSet.noneOf(CoordinatorTxState.class);
            case PREPARING -> EnumSet.of(ACTIVE);
            case COMMITTED -> EnumSet.of(PREPARING);
            case ENDED -> EnumSet.of(COMMITTED);
            case ABORTED -> EnumSet.of(ACTIVE, PREPARING);
            case FORGOTTEN -> EnumSet.of(ENDED);
        };
    }

    /** Throws {@link IllegalStateException} unless {@code from -> this} is a permitted transition. */
    public void checkTransitionFrom(CoordinatorTxState from) {
        if (!validPreviousStates().contains(from)) {
            throw new IllegalStateException("invalid transition " + from + " -> " + this);
        }
    }

    /** Whether the outcome is decided (durably, or about to be within the same Outputs). */
    public boolean isDecided() {
        return this == COMMITTED || this == ENDED || this == ABORTED || this == FORGOTTEN;
    }
}
