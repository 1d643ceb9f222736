package dev.pledge.sim;

import java.util.List;

/**
 * The random driver: one seed, a safety phase with faults (loss, duplication, delay, partitions,
 * crashes of any node, disk losses) and every invariant checked after every step, then a liveness phase
 * (heal, stop faults, run to quiescence, check I6), then late status queries past retention. In a
 * quarter of the seeds the coordinator dies at the start of the liveness phase and never returns:
 * I6 must hold at every participant all the same (implicit commit: losing every coordinator blocks nothing).
 */
public final class Simulation {
    private static final int TRACE_LINES = Integer.getInteger("sim.traceLines", 400);

    /** One run's result; {@code violation} is null when every check passed. */
    public record Result(SimConfig config, Stats stats, InvariantViolation violation, List<String> trace,
                         long traceTotal) {
        public boolean passed() {
            return violation == null;
        }

        public String invariant() {
            return violation == null ? null : violation.invariant();
        }
    }

    private Simulation() {}

    public static Result run(SimConfig config) {
        World w = new World(config, TRACE_LINES);
        try {
            w.start();
            safetyPhase(w);
            livenessPhase(w);
            w.checker().checkFinal();
            latePhase(w);
            return new Result(config, w.stats(), null, List.of(), w.traceLog().total());
        } catch (InvariantViolation v) {
            w.trace("VIOLATION " + v.getMessage());
            return new Result(config, w.stats(), v, w.traceLog().tail(), w.traceLog().total());
        } catch (RuntimeException e) {
            // A core's own Check failed, or the simulator broke: report it like a violation.
            InvariantViolation v = new InvariantViolation("CRASH", e.toString() + " at " + e.getStackTrace()[0]);
            v.initCause(e);
            w.trace("EXCEPTION " + e);
            return new Result(config, w.stats(), v, w.traceLog().tail(), w.traceLog().total());
        }
    }

    private static void safetyPhase(World w) {
        SimConfig c = w.config();
        for (int step = 0; step < c.safetyStepsMax(); step++) {
            injectFaults(w);
            Item next = w.next();
            if (next == null) return;
            w.run(next);
            if (allClientsDone(w) && w.isQuiet()) return;
        }
    }

    private static boolean allClientsDone(World w) {
        for (SimClient client : w.clients().values()) {
            if (!client.isDone()) return false;
        }
        return true;
    }

    private static void injectFaults(World w) {
        SimConfig c = w.config();
        var r = w.random();
        if (c.crashPerMille() > 0 && r.nextInt(1000) < c.crashPerMille() && w.crashes() < c.crashesMax()) {
            List<SimNode> servers = w.servers();
            SimNode n = servers.get(r.nextInt(servers.size()));
            // Half the crashes aim at the window between a step and its flush, where ordering bugs live.
            List<SimNode> busy = servers.stream().filter(s -> s.up && s.writing()).toList();
            if (!busy.isEmpty() && r.nextBoolean()) n = busy.get(r.nextInt(busy.size()));
            if (n.up) {
                w.crash(n, r.nextInt(n.disk().unsyncedBatches() + 1));
                w.schedule(new Item.Restart(w.nowMs() + 5 + r.nextInt(400), n.id));
            }
        }
        loseDisks(w);
        if (c.partitionPerMille() > 0 && r.nextInt(1000) < c.partitionPerMille()) {
            if (w.network().isPartitioned()) {
                w.heal();
            } else {
                List<String> ends = new java.util.ArrayList<>();
                w.servers().forEach(n -> ends.add(n.id));
                ends.addAll(w.clients().keySet());
                String a = ends.get(r.nextInt(w.servers().size()));
                String b = ends.get(r.nextInt(ends.size()));
                if (!a.equals(b)) w.partition(a, b, r.nextBoolean());
            }
        }
    }

    /**
     * Any node, coordinator or participant, may lose its disk: it crashes and restarts empty. A
     * replicated participant loses one replica instead (see {@link World#loseReplica}).
     */
    private static void loseDisks(World w) {
        SimConfig c = w.config();
        var r = w.diskLossRandom();
        if (c.diskLossPerMille() == 0 || r.nextInt(1000) >= c.diskLossPerMille() || w.diskLosses() >= c.diskLossesMax()) {
            return;
        }
        List<SimNode> servers = w.servers();
        SimNode n = servers.get(r.nextInt(servers.size()));
        if (!n.up) return;
        if (c.replicatedParticipants() && n instanceof ParticipantNode p) {
            w.loseReplica(p, r.nextInt(p.disk().unsyncedBatches() + 1));
        } else {
            w.loseDisk(n);
        }
        w.schedule(new Item.Restart(w.nowMs() + 5 + r.nextInt(400), n.id));
    }

    /** Seeds whose coordinator dies for good, losing its unsynced records, when the liveness phase starts. */
    static boolean coordinatorGoneForGood(SimConfig c) {
        return !c.zeroDelays() && Math.floorMod(c.seed(), 4) == 3;
    }

    private static void livenessPhase(World w) {
        w.calm();
        boolean gone = coordinatorGoneForGood(w.config());
        if (gone) {
            w.crash(w.coordinator(), 0);
            w.trace("LIVENESS PHASE: the coordinator is gone for good; its participants must settle everything");
        }
        int bound = w.config().livenessStepsMax();
        for (int step = 0; step < bound; step++) {
            // Without a coordinator its clients never hear back, so only the participants can be quiet.
            boolean quiet = gone ? participantsFlushed(w) : w.isQuiet();
            if (quiet && w.checker().livenessProblems().isEmpty()) return;
            Item next = w.next();
            if (next == null) break;
            w.run(next);
        }
        List<String> problems = w.checker().livenessProblems();
        if (!gone && !w.isQuiet()) problems = new java.util.ArrayList<>(problems);
        if (!gone && !w.isQuiet()) problems.add("not quiet after " + bound + " steps");
        if (!problems.isEmpty()) {
            throw new InvariantViolation("I6", "after healing and " + bound + " steps: " + String.join("; ", problems));
        }
    }

    /** Every participant's log writer has written everything it was given. */
    private static boolean participantsFlushed(World w) {
        for (SimNode p : w.participants().values()) {
            if (p.writing()) return false;
        }
        return true;
    }

    /** Past retention the coordinator forgets; clients' late status queries must never hear a false ABORTED. */
    private static void latePhase(World w) {
        long endMs = w.nowMs() + SimSettings.retentionMs(w.config()) + 4 * SimSettings.SWEEP_MS;
        for (int step = 0; step < w.config().livenessStepsMax(); step++) {
            Item next = w.next();
            if (next == null || next.dueMs() > endMs) return;
            w.run(next);
        }
    }
}
