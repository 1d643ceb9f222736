package dev.pledge.coordinator.protocol;

import static dev.pledge.coordinator.protocol.CoordinatorTxState.ABORTED;
import static dev.pledge.coordinator.protocol.CoordinatorTxState.ACTIVE;
import static dev.pledge.coordinator.protocol.CoordinatorTxState.COMMITTED;
import static dev.pledge.coordinator.protocol.CoordinatorTxState.ENDED;
import static dev.pledge.coordinator.protocol.CoordinatorTxState.FORGOTTEN;
import static dev.pledge.coordinator.protocol.CoordinatorTxState.PREPARING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CoordinatorTxStateTest {
    /** The arrows of the diagram in docs/protocol.md, and no others. */
    private static final Map<CoordinatorTxState, Set<CoordinatorTxState>> DIAGRAM = Map.of(
            ACTIVE, EnumSet.noneOf(CoordinatorTxState.class),
            PREPARING, EnumSet.of(ACTIVE),
            COMMITTED, EnumSet.of(PREPARING),
            ENDED, EnumSet.of(COMMITTED),
            ABORTED, EnumSet.of(ACTIVE, PREPARING),
            FORGOTTEN, EnumSet.of(ENDED));

    @Test
    void permittedTransitionsAreExactlyThoseOfTheDiagram() {
        for (CoordinatorTxState to : CoordinatorTxState.values()) {
            assertThat(to.validPreviousStates()).as("into " + to).isEqualTo(DIAGRAM.get(to));
        }
    }

    @Test
    void everyOtherTransitionThrowsIllegalStateException() {
        for (CoordinatorTxState to : CoordinatorTxState.values()) {
            for (CoordinatorTxState from : CoordinatorTxState.values()) {
                if (DIAGRAM.get(to).contains(from)) {
                    to.checkTransitionFrom(from);
                } else {
                    assertThatThrownBy(() -> to.checkTransitionFrom(from))
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessage("invalid transition " + from + " -> " + to);
                }
            }
        }
    }

    @Test
    void aCommittedTransactionCanNeverBecomeAborted() {
        assertThat(ABORTED.validPreviousStates()).doesNotContain(COMMITTED, ENDED, FORGOTTEN);
    }
}
