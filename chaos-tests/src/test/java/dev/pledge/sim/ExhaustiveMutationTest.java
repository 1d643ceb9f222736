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

    @Test
    void commitReleasedBeforeItsSyncBreaksI2() {
        Explorer.Result r = explore(Mutation.COMMIT_RELEASED_BEFORE_SYNC, new Explorer.Budget(10, 100_000, 0, 0, 0));
        assertThat(r.violation()).isNotNull();
        assertThat(r.violation().invariant()).isEqualTo("I2");
    }

    @Test
    void preparedBranchAbortingOnItsOwnBreaksI4() {
        // Depth first: the deadline timer is many steps away; breadth first also finds it (depth 11, ~75k states).
        Explorer.Budget budget = new Explorer.Budget(14, 100_000, 0, 0, 0);
        Set<Mutation> m = Set.of(Mutation.PREPARED_ABORTS_ON_TIMER);
        Explorer.Result r = ExhaustiveTest.explore(new Explorer(SimConfig.smallScope(1, m), budget, true), 1, m, budget);
        assertThat(r.violation()).isNotNull();
        assertThat(r.violation().invariant()).isEqualTo("I4");
    }
}
