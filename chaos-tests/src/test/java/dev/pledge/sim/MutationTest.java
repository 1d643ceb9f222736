package dev.pledge.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The harness has teeth: each deliberate protocol bug (made in the simulator's adapters, never in
 * production code) is found by the random simulation within a budget of seeds, and named by the
 * invariant it breaks.
 */
class MutationTest {
    private static final int SEEDS_MAX = 400;

    /** The first failing run of up to SEEDS_MAX seeds with {@code m} switched on, or null. */
    static Simulation.Result firstFailure(Mutation m) {
        for (long seed = 1; seed <= SEEDS_MAX; seed++) {
            Simulation.Result r = Simulation.run(SimConfig.swarm(seed, SimulationTest.STEPS_PER_SEED, Set.of(m)));
            if (!r.passed()) {
                System.out.println(m + ": caught by seed " + seed + " as " + r.invariant() + ": " + r.violation().getMessage());
                return r;
            }
        }
        System.out.println(m + ": NOT caught in " + SEEDS_MAX + " seeds");
        return null;
    }

    @Test
    void yesVoteBeforePreparedIsSyncedBreaksI4() {
        assertThat(firstFailure(Mutation.YES_BEFORE_PREPARED_SYNC)).extracting(Simulation.Result::invariant).isEqualTo("I4");
    }

    @Test
    void commitReleasedBeforeItsSyncBreaksI2() {
        assertThat(firstFailure(Mutation.COMMIT_RELEASED_BEFORE_SYNC)).extracting(Simulation.Result::invariant).isEqualTo("I2");
    }

    @Test
    void forgottenAnsweredAsAbortedBreaksI5() {
        assertThat(firstFailure(Mutation.FORGOTTEN_ANSWERED_ABORTED)).extracting(Simulation.Result::invariant).isEqualTo("I5");
    }

    @Test
    void preparedBranchAbortingOnItsOwnBreaksI4() {
        assertThat(firstFailure(Mutation.PREPARED_ABORTS_ON_TIMER)).extracting(Simulation.Result::invariant).isEqualTo("I4");
    }

    /**
     * Finding F2: not catchable. The participant core answers PeerState but never asks a peer (its
     * Message has only Enlist and AskCoordinatorStatus), so the only asker is the coordinator's
     * one-phase AskBranch, where PREPARED just means "ask again". When participants start asking
     * each other, this test fails and should become an assertion that the mutation is caught.
     */
    @Test
    void unvotedPeerAnsweringPreparedIsUnobservableWhileNoParticipantAsksPeers() {
        assertThat(firstFailure(Mutation.UNVOTED_PEER_ANSWERS_PREPARED)).isNull();
    }
}
