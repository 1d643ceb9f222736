package dev.pledge.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Exhaustive small-scope mode: coordinator, two participants, one or two transactions. From the
 * moment every client has sent commit, it explores every order of delivery, loss, duplication,
 * flush, timer, RPC timeout, crash (or the coordinator losing its disk) and restart, breadth first
 * up to a depth bound, visiting each state once (a hash of the canonical world description). The
 * cores cannot be copied, so a state is rebuilt by replaying its choice path from scratch.
 * Invariants are checked after every step.
 */
public final class Explorer {
    /** Bound on the prefix that brings every transaction to its commit request. */
    private static final int PREFIX_STEPS_MAX = 10_000;

    /** Fault budgets along one path. */
    public record Budget(int depthMax, long statesMax, int dropsMax, int duplicatesMax, int crashesMax) {}

    /** The outcome; {@code path} is the shortest choice sequence to the violation (BFS). */
    public record Result(long states, long transitions, int depthReached, boolean exhausted, long elapsedMs,
                         InvariantViolation violation, List<String> path) {
        public boolean passed() {
            return violation == null;
        }
    }

    /** One thing that can happen next, described for the counterexample. */
    private record Choice(String description, Kind kind, Object target) {}

    private enum Kind { RUN, DROP, DUPLICATE, CRASH_LOSE, CRASH_KEEP, LOSE_DISK, RESTART }

    private final SimConfig config;
    private final Budget budget;
    private final boolean depthFirst;

    /** Breadth first: complete within the bound, and the counterexample is a shortest one. */
    public Explorer(SimConfig config, Budget budget) {
        this(config, budget, false);
    }

    /** Depth first reaches deep states sooner (bug hunting) but, with state hashing, is not complete. */
    public Explorer(SimConfig config, Budget budget, boolean depthFirst) {
        this.config = config;
        this.budget = budget;
        this.depthFirst = depthFirst;
    }

    public Result explore() {
        long startMs = System.currentTimeMillis(); // wall clock only for the report
        Set<Long> seen = new HashSet<>();
        ArrayDeque<int[]> frontier = new ArrayDeque<>();
        frontier.add(new int[0]);
        long transitions = 0;
        int depthReached = 0;
        seen.add(hash(replay(new int[0]).world));
        while (!frontier.isEmpty()) {
            if (seen.size() >= budget.statesMax()) {
                return new Result(seen.size(), transitions, depthReached, false, System.currentTimeMillis() - startMs,
                        null, List.of());
            }
            int[] path = depthFirst ? frontier.pollLast() : frontier.poll();
            if (path.length >= budget.depthMax()) continue;
            int choices = replay(path).choices.size();
            for (int k = 0; k < choices; k++) {
                // Depth first pops the last child pushed: push in reverse so the first choice goes first.
                int i = depthFirst ? choices - 1 - k : k;
                int[] child = Arrays.copyOf(path, path.length + 1);
                child[path.length] = i;
                transitions++;
                Replayed r;
                try {
                    r = replay(child);
                } catch (InvariantViolation v) {
                    return new Result(seen.size(), transitions, child.length, false,
                            System.currentTimeMillis() - startMs, v, describePath(child));
                } catch (RuntimeException e) {
                    InvariantViolation v = new InvariantViolation("CRASH", e.toString());
                    v.initCause(e);
                    return new Result(seen.size(), transitions, child.length, false,
                            System.currentTimeMillis() - startMs, v, describePath(child));
                }
                if (!seen.add(hash(r.world))) continue;
                depthReached = Math.max(depthReached, child.length);
                if (child.length < budget.depthMax()) {
                    frontier.add(child);
                    continue;
                }
                InvariantViolation stuck = livenessFrom(r.world);
                if (stuck != null) {
                    return new Result(seen.size(), transitions, child.length, false,
                            System.currentTimeMillis() - startMs, stuck, describePath(child));
                }
            }
        }
        return new Result(seen.size(), transitions, depthReached, true, System.currentTimeMillis() - startMs, null,
                List.of());
    }

    private record Replayed(World world, List<Choice> choices, List<String> steps) {}

    /** Bound on the steps from a leaf to quiescence once everything is healed. */
    private static final int LIVENESS_STEPS_MAX = 20_000;

    /**
     * I6 from a leaf of the search: heal, restart, stop faults, run in time order; every branch must
     * end final and unlocked, and the final checks must hold. Null when they do.
     */
    private static InvariantViolation livenessFrom(World w) {
        try {
            w.calm();
            for (int step = 0; step < LIVENESS_STEPS_MAX; step++) {
                if (w.isQuiet() && w.checker().livenessProblems().isEmpty()) {
                    w.checker().checkFinal();
                    return null;
                }
                Item next = w.next();
                if (next == null) break;
                w.run(next);
            }
            return new InvariantViolation("I6", "no quiescence after healing: " + w.checker().livenessProblems());
        } catch (InvariantViolation v) {
            return v;
        }
    }

    /** A fresh world, the prefix, then the path's choices; returns the world and what it can do next. */
    private Replayed replay(int[] path) {
        World w = new World(config, 0);
        w.start();
        prefix(w);
        int[] used = new int[Kind.values().length];
        List<String> steps = new ArrayList<>();
        List<Choice> choices = choices(w, used);
        for (int index : path) {
            Choice c = choices.get(index);
            steps.add(String.format("%5d ms  %s", w.nowMs(), c.description()));
            apply(w, c);
            used[c.kind().ordinal()]++;
            choices = choices(w, used);
        }
        return new Replayed(w, choices, steps);
    }

    private List<String> describePath(int[] path) {
        int[] prefix = Arrays.copyOf(path, path.length - 1);
        Replayed r = replay(prefix);
        List<String> steps = new ArrayList<>(r.steps());
        steps.add("(violation) " + r.choices().get(path[path.length - 1]).description());
        return steps;
    }

    /** Runs items in order until every client has sent commit; the commits themselves wait. */
    private static void prefix(World w) {
        for (int step = 0; step < PREFIX_STEPS_MAX; step++) {
            boolean allCommitting = w.clients().values().stream().allMatch(SimClient::isCommitting);
            if (allCommitting) return;
            Item next = null;
            for (Item i : w.pending()) {
                boolean commit = i instanceof Item.Delivery d && d.packet().payload() instanceof ClientCall.Commit;
                if (!commit && (next == null || i.dueMs() < next.dueMs())) next = i;
            }
            if (next == null) throw new IllegalStateException("prefix stuck before every client committed");
            w.run(next);
        }
        throw new IllegalStateException("prefix did not reach the commits in " + PREFIX_STEPS_MAX + " steps");
    }

    private List<Choice> choices(World w, int[] used) {
        List<Choice> out = new ArrayList<>();
        List<Item> pending = w.pending().stream().filter(w::isLive).toList();
        // Time only moves forward: of the timed items, only those due by the earliest may happen next.
        long timeLimitMs = w.nowMs();
        long earliestMs = Long.MAX_VALUE;
        for (Item i : pending) if (isTimed(i)) earliestMs = Math.min(earliestMs, i.dueMs());
        if (earliestMs != Long.MAX_VALUE) timeLimitMs = Math.max(timeLimitMs, earliestMs);
        for (Item i : pending) {
            if (isTimed(i) && i.dueMs() > timeLimitMs) continue;
            out.add(new Choice(i.describe(), Kind.RUN, i));
            if (i instanceof Item.Delivery d) {
                if (used[Kind.DROP.ordinal()] < budget.dropsMax()) out.add(new Choice("DROP " + i.describe(), Kind.DROP, d));
                if (used[Kind.DUPLICATE.ordinal()] < budget.duplicatesMax()) {
                    out.add(new Choice("DUPLICATE " + i.describe(), Kind.DUPLICATE, d));
                }
            }
        }
        int crashes = used[Kind.CRASH_LOSE.ordinal()] + used[Kind.CRASH_KEEP.ordinal()] + used[Kind.LOSE_DISK.ordinal()];
        for (SimNode n : w.servers()) {
            if (!n.up) {
                out.add(new Choice("RESTART " + n.id, Kind.RESTART, n));
            } else if (crashes < budget.crashesMax()) {
                out.add(new Choice("CRASH " + n.id + " losing unsynced writes", Kind.CRASH_LOSE, n));
                if (n.disk().unsyncedBatches() > 0) out.add(new Choice("CRASH " + n.id + " keeping unsynced writes", Kind.CRASH_KEEP, n));
                // Implicit commit: the coordinator's disk may go for good, and nothing may block or break.
                if (n instanceof CoordinatorNode) out.add(new Choice("LOSE DISK " + n.id, Kind.LOSE_DISK, n));
            }
        }
        return out;
    }

    private static boolean isTimed(Item i) {
        return !(i instanceof Item.Delivery || i instanceof Item.Flush);
    }

    private static void apply(World w, Choice c) {
        switch (c.kind()) {
            case RUN -> w.run((Item) c.target());
            case DROP -> w.drop((Item.Delivery) c.target());
            case DUPLICATE -> w.duplicate((Item.Delivery) c.target());
            case CRASH_LOSE -> crash(w, (SimNode) c.target(), 0);
            case CRASH_KEEP -> crash(w, (SimNode) c.target(), Integer.MAX_VALUE);
            case LOSE_DISK -> {
                w.loseDisk((SimNode) c.target());
                w.checker().afterStep();
            }
            case RESTART -> {
                ((SimNode) c.target()).restart(w);
                w.checker().afterStep();
            }
        }
    }

    private static void crash(World w, SimNode n, int kept) {
        w.crash(n, kept);
        w.checker().afterStep();
    }

    private static long hash(World w) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(w.describe().getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) h = h << 8 | (d[i] & 0xff);
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
