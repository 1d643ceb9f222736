package dev.pledge.chaos.check;

import dev.pledge.core.BranchState;
import dev.pledge.core.TxState;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OutcomeProbeTest {
    private static final Map<String, BranchState> BOTH_COMMITTED = Map.of("a", BranchState.COMMITTED, "c", BranchState.COMMITTED);
    private static final Map<String, BranchState> BOTH_ABORTED = Map.of("a", BranchState.ABORTED, "c", BranchState.ABORTED);

    @Test
    void aTransactionEndedOneWayEverywhereAndAsTheClientWasToldIsConsistent() {
        assertThat(OutcomeProbe.violation(Seen.COMMITTED, TxState.COMMITTED, BOTH_COMMITTED)).isNull();
        assertThat(OutcomeProbe.violation(Seen.ABORTED, TxState.ABORTED, BOTH_ABORTED)).isNull();
        assertThat(OutcomeProbe.violation(Seen.IN_DOUBT, TxState.COMMITTED, BOTH_COMMITTED)).isNull();
        assertThat(OutcomeProbe.violation(Seen.IN_DOUBT, TxState.ABORTED, BOTH_ABORTED)).isNull();
    }

    @Test
    void aClientToldOneThingAndACoordinatorSayingAnotherIsAViolation() {
        assertThat(OutcomeProbe.violation(Seen.COMMITTED, TxState.ABORTED, BOTH_ABORTED)).contains("client saw COMMITTED");
        assertThat(OutcomeProbe.violation(Seen.ABORTED, TxState.COMMITTED, BOTH_COMMITTED)).contains("client saw ABORTED");
    }

    @Test
    void aBranchEndingOtherwiseThanTheDecisionOrStillPreparedIsAViolation() {
        assertThat(OutcomeProbe.violation(Seen.COMMITTED, TxState.COMMITTED,
                Map.of("a", BranchState.COMMITTED, "c", BranchState.ABORTED))).contains("c ended ABORTED");
        assertThat(OutcomeProbe.violation(Seen.IN_DOUBT, TxState.ABORTED,
                Map.of("a", BranchState.PREPARED))).contains("a ended PREPARED");
        assertThat(OutcomeProbe.violation(Seen.IN_DOUBT, TxState.PREPARING, Map.of())).contains("no final decision");
    }

    @Test
    void aCoordinatorThatForgotDefersToTheBranchesWhichMustAllAgree() {
        assertThat(OutcomeProbe.violation(Seen.ABORTED, TxState.FORGOTTEN, BOTH_ABORTED)).isNull();
        assertThat(OutcomeProbe.violation(Seen.IN_DOUBT, TxState.FORGOTTEN, BOTH_COMMITTED)).isNull();
        assertThat(OutcomeProbe.violation(Seen.ABORTED, TxState.FORGOTTEN, BOTH_COMMITTED)).contains("client saw ABORTED");
        assertThat(OutcomeProbe.violation(Seen.IN_DOUBT, TxState.FORGOTTEN,
                Map.of("a", BranchState.COMMITTED, "c", BranchState.ABORTED))).contains("no final decision");
        assertThat(OutcomeProbe.violation(Seen.IN_DOUBT, TxState.FORGOTTEN, Map.of())).contains("no final decision");
    }
}
