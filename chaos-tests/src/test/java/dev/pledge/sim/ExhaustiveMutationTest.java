package dev.pledge.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The exhaustive explorer finds the deliberate bugs too, with the shortest path to each. */
class ExhaustiveMutationTest {

    private static Explorer.Result explore(Mutation m, Explorer.Budget budget) {
        return ExhaustiveTest.explore(1, Set.of(m), budget);
    }

    @Test
    void yesVoteBeforePreparedIsSyncedBreaksI4() {
        Explorer.Result r = explore(Mutation.YES_BEFORE_PREPARED_SYNC, new Explorer.Budget(6, 50_000, 0, 0, 0));
        assertThat(r.violation()).isNotNull();
        assertThat(r.violation().invariant()).isEqualTo("I4");
    }

    /** Implicit commit: a PREPARING transaction is aborted only on a participant's refusal. */
    @Test
    void abortingWithoutARefusalBreaksI3() {
        Explorer.Budget budget = new Explorer.Budget(8, 50_000, 0, 0, 0);
        Set<Mutation> m = Set.of(Mutation.ABORTS_WITHOUT_REFUSAL);
        Explorer explorer = new Explorer(SimConfig.smallScope(1, m).withPatience(10, SimSettings.RPC_ATTEMPTS_MAX), budget);
        Explorer.Result r = ExhaustiveTest.explore(explorer, 1, m, budget);
        assertThat(r.violation()).isNotNull();
        assertThat(r.violation().invariant()).isEqualTo("I3");
    }

    @Test
    void preparedBranchAbortingOnItsOwnBreaksI4() {
        // A short in-doubt poll puts the timer the mutation acts on right after the vote; with the
        // default 400 ms cap breadth first needs depth 11 (~56k states, 90 s) to reach the deadline timer.
        Explorer.Budget budget = new Explorer.Budget(8, 50_000, 0, 0, 0);
        Set<Mutation> m = Set.of(Mutation.PREPARED_ABORTS_ON_TIMER);
        Explorer explorer = new Explorer(SimConfig.smallScope(1, m).withPatience(10, SimSettings.RPC_ATTEMPTS_MAX), budget);
        Explorer.Result r = ExhaustiveTest.explore(explorer, 1, m, budget);
        assertThat(r.violation()).isNotNull();
        assertThat(r.violation().invariant()).isEqualTo("I4");
    }

    @Test
    void forgottenAnsweredAsAbortedBreaksI5() {
        // Depth first: forgetting needs the whole commit, a retention sweep and a late status query (~34 steps).
        Explorer.Budget budget = new Explorer.Budget(40, 20_000, 0, 0, 0);
        Set<Mutation> m = Set.of(Mutation.FORGOTTEN_ANSWERED_ABORTED);
        Explorer.Result r = ExhaustiveTest.explore(new Explorer(SimConfig.smallScope(1, m), budget, true), 1, m, budget);
        assertThat(r.violation()).isNotNull();
        assertThat(r.violation().invariant()).isEqualTo("I5");
    }

    /** Runtime defects of the production GroupCommit, found breadth first by the shortest schedule. */
    @Test
    void writerSkippingTheSyncBreaksI2OrI4() {
        Explorer.Result r = explore(Mutation.WRITER_SKIPS_SYNC, new Explorer.Budget(10, 100_000, 0, 0, 0));
        assertThat(r.violation()).isNotNull();
        assertThat(r.violation().invariant()).isIn("I2", "I4");
    }

    @Test
    void effectsReleasedBeforeTheirRecordsAreDurableBreakI2OrI4() {
        Explorer.Result r = explore(Mutation.RELEASED_BEFORE_DURABLE, new Explorer.Budget(10, 100_000, 0, 0, 0));
        assertThat(r.violation()).isNotNull();
        assertThat(r.violation().invariant()).isIn("I2", "I4");
    }
}
