package dev.pledge.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Protocol problems the simulation found in the cores; each test failed until its fix landed. */
class FindingsTest {

    /**
     * F1 (I7): BeginOp answers Proceed for an opSeq whose first run has not reached EndOp yet, and
     * BranchExecutor runs it, so a client retry (or a duplicated request) racing the first run
     * applies the operation twice, e.g. seed 1: "operation ... opSeq=1 ... applied twice at p1".
     * Nothing stops prepare once both runs have ended, so the double write commits: with the I7 check
     * switched off, seed 14 ends with the bank's committed balances summing to 960 instead of 900.
     * Fixed in the participant core (d11253e): such a retry is answered Unavailable until the first
     * run ends. The whole suite now runs the code as written; this keeps the finding's own check.
     */
    @Test
    void retriedOperationRacingItsFirstRunIsAppliedOnce() {
        for (long seed = 1; seed <= 200; seed++) {
            SimConfig c = SimConfig.swarm(seed, SimulationTest.STEPS_PER_SEED, Set.of()).withRacingRetriesJoined(false);
            Simulation.Result r = Simulation.run(c);
            assertThat(r.passed()).as("%s", r.passed() ? "" : FailureReport.describe(r)).isTrue();
        }
    }
}
