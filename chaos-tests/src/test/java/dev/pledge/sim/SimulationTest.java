package dev.pledge.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The real coordinator and participant cores under a simulated network, disk and clock. Every
 * invariant is checked after every step; a failure prints the seed, the invariant, the last events
 * and the command that replays it. {@code -Dsim.seeds=100000} soaks; {@code -Dsim.seed=N} replays one.
 */
class SimulationTest {
    static final int STEPS_PER_SEED = Integer.getInteger("sim.steps", 8_000);

    @Test
    void everyInvariantHoldsForTwoThousandSeeds() {
        int seeds = Integer.getInteger("sim.seeds", 2_000);
        long base = Long.getLong("sim.seedBase", 1);
        Stats total = new Stats();
        long startNs = System.nanoTime();
        for (long seed = base; seed < base + seeds; seed++) {
            Simulation.Result r = Simulation.run(SimConfig.swarm(seed, STEPS_PER_SEED, Set.of()));
            total.add(r.stats());
            failOn(r);
        }
        report(seeds, total, System.nanoTime() - startNs);
    }

    /**
     * Issue 17's model: every participant a replicated shard, and machines lost with their disks far
     * more often than the swarm loses disks. A lost replica must cost nothing: every invariant holds
     * in full, with no audit or atomicity check excused by a lost disk and no damage to report.
     */
    @Test
    void replicatedShardsLoseNothingWhenAMachineIsLostForGood() {
        int seeds = Integer.getInteger("sim.replicatedSeeds", 300);
        Stats total = new Stats();
        for (long seed = 1; seed <= seeds; seed++) {
            SimConfig c = SimConfig.swarm(seed, STEPS_PER_SEED, Set.of()).withDiskLoss(4, 3).withReplicatedParticipants(true);
            Simulation.Result r = Simulation.run(c);
            total.add(r.stats());
            failOn(r);
        }
        System.out.println("replicated shards: " + seeds + " seeds; " + total);
        assertThat(total.replicaLosses()).as("replicas lost").isGreaterThan(seeds / 2);
        assertThat(total.auditsUnchecked()).as("audits excused by a participant's lost disk").isZero();
        assertThat(total.damageReported() + total.damageUnreportable()).as("transactions damaged").isZero();
    }

    /** Replays one seed exactly: {@code -Dsim.seed=N}, optionally with the fault overrides the report printed. */
    @Test
    void replay() {
        Long seed = Long.getLong("sim.seed");
        if (seed == null) return;
        SimConfig c = SimConfig.swarm(seed, STEPS_PER_SEED, mutationsFromProperty());
        if (Boolean.getBoolean("sim.stormy")) c = c.stormy();
        c = c.withFaults(Integer.getInteger("sim.drop", c.dropPerMille()), Integer.getInteger("sim.dup", c.duplicatePerMille()),
                Integer.getInteger("sim.partition", c.partitionPerMille()), Integer.getInteger("sim.crash", c.crashPerMille()))
                .withRacingRetriesJoined(Boolean.getBoolean("sim.racingRetriesJoined"))
                .withWriteOnlyPercent(Integer.getInteger("sim.writeOnly", c.writeOnlyPercent()))
                .withDiskLoss(Integer.getInteger("sim.diskLoss", c.diskLossPerMille()),
                        Integer.getInteger("sim.diskLossesMax", c.diskLossesMax()))
                .withParticipantRetentionMs(Long.getLong("sim.participantRetentionMs", c.participantRetentionMs()))
                .withReplicatedParticipants(Boolean.getBoolean("sim.replicated"));
        Simulation.Result r = Simulation.run(c);
        System.out.println("seed " + seed + ": " + r.stats());
        if (!r.passed()) System.out.println(FailureReport.describe(r));
        assertThat(r.passed()).as("seed %s", seed).isTrue();
    }

    static Set<Mutation> mutationsFromProperty() {
        String m = System.getProperty("sim.mutations", "");
        Set<Mutation> out = EnumSet.noneOf(Mutation.class);
        for (String s : m.split(",")) if (!s.isBlank()) out.add(Mutation.valueOf(s.trim()));
        return out;
    }

    private static void failOn(Simulation.Result r) {
        if (r.passed()) return;
        String report = FailureReport.describe(r);
        Simulation.Result shrunk = FailureReport.shrink(r);
        if (shrunk != r) report += "\nwith fewer faults it still fails:" + FailureReport.describe(shrunk);
        throw new AssertionError(report, r.violation());
    }

    private static void report(int seeds, Stats total, long elapsedNs) {
        double s = elapsedNs / 1e9;
        System.out.printf("simulation: %d seeds in %.1f s (%.0f seeds/s), %d steps (%.0f steps/s), %d faults (%.0f faults/s); %s%n",
                seeds, s, seeds / s, total.steps(), total.steps() / s, total.faults(), total.faults() / s, total);
    }
}
