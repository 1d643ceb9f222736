package dev.pledge.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Small scope, every interleaving: coordinator + 2 participants + 1 transaction (then 2), every
 * order of delivery, loss, duplication, flush, timer, RPC timeout, crash and restart from the
 * commit request on, up to a depth bound, each state visited once. Every reachable state satisfies
 * the invariants. Deeper runs: {@code -Dsim.depth=9 -Dsim.states=1000000}.
 */
class ExhaustiveTest {
    static final int DEPTH = Integer.getInteger("sim.depth", 5);
    static final long STATES = Long.getLong("sim.states", 100_000);

    static Explorer.Result explore(int transactions, Set<Mutation> mutations, Explorer.Budget budget) {
        return explore(new Explorer(SimConfig.smallScope(transactions, mutations), budget), transactions, mutations, budget);
    }

    static Explorer.Result explore(Explorer explorer, int transactions, Set<Mutation> mutations, Explorer.Budget budget) {
        Explorer.Result r = explorer.explore();
        String end = !r.passed() ? " (stopped at a violation)"
                : r.exhausted() ? " (every state within the bound)" : " (stopped at the state limit)";
        System.out.printf("exhaustive %d tx %s %s: %d states, %d transitions, depth %d%s, %d ms%n", transactions,
                mutations, budget, r.states(), r.transitions(), r.depthReached(), end, r.elapsedMs());
        if (!r.passed()) {
            System.out.println("violation " + r.violation().getMessage() + "\npath:\n  " + String.join("\n  ", r.path()));
        }
        return r;
    }

    @Test
    void everyStateOfOneTransactionSatisfiesTheInvariants() {
        Explorer.Result r = explore(1, Set.of(), new Explorer.Budget(DEPTH + 1, STATES, 1, 1, 1));
        assertThat(r.passed()).as("%s", r.violation()).isTrue();
    }

    @Test
    void everyStateOfTwoConcurrentTransactionsSatisfiesTheInvariants() {
        Explorer.Result r = explore(2, Set.of(), new Explorer.Budget(DEPTH, STATES, 1, 1, 1));
        assertThat(r.passed()).as("%s", r.violation()).isTrue();
    }

    @Test
    void faultFreeInterleavingsOfOneTransactionSatisfyTheInvariantsDeeper() {
        Explorer.Result r = explore(1, Set.of(), new Explorer.Budget(DEPTH + 4, STATES, 0, 0, 0));
        assertThat(r.passed()).as("%s", r.violation()).isTrue();
    }
}
