package dev.pledge.sim;

import java.util.List;

/**
 * What a failed run prints: the seed, the invariant, the last events, and one command that replays
 * exactly that run. A shrunk variant (same seed, fewer kinds of fault) is tried and shown if it
 * fails the same way, since a shorter trace is easier to read.
 */
public final class FailureReport {
    private static final int TAIL_LINES = Integer.getInteger("sim.tailLines", 80);

    private FailureReport() {}

    public static String command(SimConfig c) {
        StringBuilder sb = new StringBuilder("./mvnw -pl chaos-tests test -Dtest=SimulationTest#replay -Dsim.seed=")
                .append(c.seed());
        SimConfig plain = SimConfig.swarm(c.seed(), c.safetyStepsMax(), c.mutations());
        if (!plain.equals(c) && plain.stormy().equals(c.withFaults(plain.dropPerMille(), plain.duplicatePerMille(),
                plain.stormy().partitionPerMille(), plain.crashPerMille()).withDiskLoss(plain.diskLossPerMille(), plain.diskLossesMax())
                .withReplicatedParticipants(false))) {
            sb.append(" -Dsim.stormy=true");
            plain = plain.stormy();
        }
        if (c.dropPerMille() != plain.dropPerMille()) sb.append(" -Dsim.drop=").append(c.dropPerMille());
        if (c.duplicatePerMille() != plain.duplicatePerMille()) sb.append(" -Dsim.dup=").append(c.duplicatePerMille());
        if (c.partitionPerMille() != plain.partitionPerMille()) sb.append(" -Dsim.partition=").append(c.partitionPerMille());
        if (c.crashPerMille() != plain.crashPerMille()) sb.append(" -Dsim.crash=").append(c.crashPerMille());
        if (c.diskLossPerMille() != plain.diskLossPerMille()) sb.append(" -Dsim.diskLoss=").append(c.diskLossPerMille());
        if (c.diskLossesMax() != plain.diskLossesMax()) sb.append(" -Dsim.diskLossesMax=").append(c.diskLossesMax());
        if (c.replicatedParticipants()) sb.append(" -Dsim.replicated=true");
        sb.append(" -Dsim.steps=").append(c.safetyStepsMax());
        if (c.racingRetriesJoined()) sb.append(" -Dsim.racingRetriesJoined=true");
        if (c.writeOnlyPercent() != plain.writeOnlyPercent()) sb.append(" -Dsim.writeOnly=").append(c.writeOnlyPercent());
        if (!c.mutations().isEmpty()) {
            sb.append(" -Dsim.mutations=").append(String.join(",", c.mutations().stream().map(Enum::name).sorted().toList()));
        }
        return sb.toString();
    }

    public static String describe(Simulation.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("\n=== SIMULATION FAILED: seed=").append(r.config().seed()).append(" invariant=").append(r.invariant())
                .append("\n").append(r.violation().getMessage()).append("\n");
        sb.append("config: ").append(r.config()).append("\nstats: ").append(r.stats()).append("\n");
        List<String> trace = r.trace();
        int from = Math.max(0, trace.size() - TAIL_LINES);
        sb.append("--- last ").append(trace.size() - from).append(" of ").append(r.traceTotal()).append(" events ---\n");
        for (int i = from; i < trace.size(); i++) sb.append(trace.get(i)).append('\n');
        sb.append("reproduce this failure with: ").append(command(r.config())).append('\n');
        return sb.toString();
    }

    /** The same seed with kinds of fault switched off one by one, kept while it still breaks the same invariant. */
    public static Simulation.Result shrink(Simulation.Result failed) {
        Simulation.Result best = failed;
        SimConfig c = failed.config();
        List<SimConfig> tries = List.of(
                withFaults(c, 0, c.duplicatePerMille(), c.partitionPerMille(), c.crashPerMille()),
                withFaults(c, c.dropPerMille(), 0, c.partitionPerMille(), c.crashPerMille()),
                withFaults(c, c.dropPerMille(), c.duplicatePerMille(), 0, c.crashPerMille()),
                withFaults(c, c.dropPerMille(), c.duplicatePerMille(), c.partitionPerMille(), 0));
        for (SimConfig t : tries) {
            SimConfig merged = merge(best.config(), t, c);
            Simulation.Result r = Simulation.run(merged);
            if (!r.passed() && r.invariant().equals(failed.invariant()) && r.traceTotal() <= best.traceTotal()) best = r;
        }
        if (c.diskLossPerMille() > 0) {
            Simulation.Result r = Simulation.run(best.config().withDiskLoss(0, c.diskLossesMax()));
            if (!r.passed() && r.invariant().equals(failed.invariant()) && r.traceTotal() <= best.traceTotal()) best = r;
        }
        return best;
    }

    private static SimConfig withFaults(SimConfig c, int drop, int dup, int partition, int crash) {
        return c.withFaults(drop, dup, partition, crash);
    }

    /** Applies the one fault that {@code t} switched off (relative to {@code original}) to {@code base}; disk losses stay. */
    private static SimConfig merge(SimConfig base, SimConfig t, SimConfig original) {
        return withFaults(base,
                t.dropPerMille() != original.dropPerMille() ? t.dropPerMille() : base.dropPerMille(),
                t.duplicatePerMille() != original.duplicatePerMille() ? t.duplicatePerMille() : base.duplicatePerMille(),
                t.partitionPerMille() != original.partitionPerMille() ? t.partitionPerMille() : base.partitionPerMille(),
                t.crashPerMille() != original.crashPerMille() ? t.crashPerMille() : base.crashPerMille());
    }
}
