package dev.pledge.chaos.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A seeded list of faults: every kind at least once (a KILL of the coordinator and of a participant
 * among them), then random ones, shuffled. The same seed gives the same schedule.
 */
final class NemesisSchedule {
    /** Longer than every RPC deadline of the cluster (5 s), so a pause makes calls time out. */
    private static final long PAUSE_MS_MIN = 6_500;
    private static final int FAULTS_MAX = 1_000;

    private NemesisSchedule() {}

    static List<Fault> plan(long seed, int count) {
        if (count < FaultKind.IN_CONTAINERS.size() + 1 || count > FAULTS_MAX) {
            throw new IllegalArgumentException("count must be in [" + (FaultKind.IN_CONTAINERS.size() + 1) + ", " + FAULTS_MAX + "], was " + count);
        }
        Random random = new Random(seed);
        List<Fault> faults = new ArrayList<>();
        faults.add(kill(random, EnrollmentContainers.COORDINATOR));
        faults.add(kill(random, pick(random, EnrollmentContainers.PARTICIPANTS)));
        for (FaultKind kind : FaultKind.IN_CONTAINERS) {
            if (kind != FaultKind.KILL) faults.add(of(kind, random));
        }
        List<FaultKind> kinds = List.copyOf(FaultKind.IN_CONTAINERS);
        while (faults.size() < count) faults.add(of(kinds.get(random.nextInt(kinds.size())), random));
        Collections.shuffle(faults, random);
        return List.copyOf(faults);
    }

    /**
     * Faults for machines that each host a replica of every shard and a coordinator, one machine at
     * a time: every one of {@code kinds} (some of {@link FaultKind#ON_MACHINES}) at least once, then
     * random ones, shuffled.
     */
    static List<Fault> forMachines(long seed, int count, List<String> machines, Set<FaultKind> kinds) {
        if (!FaultKind.ON_MACHINES.containsAll(kinds) || kinds.isEmpty()) {
            throw new IllegalArgumentException("machine faults are some of " + FaultKind.ON_MACHINES + ", not " + kinds);
        }
        if (count < kinds.size() || count > FAULTS_MAX) {
            throw new IllegalArgumentException("count must be in [" + kinds.size() + ", " + FAULTS_MAX + "], was " + count);
        }
        Random random = new Random(seed);
        List<FaultKind> ordered = List.copyOf(new java.util.TreeSet<>(kinds));
        List<Fault> faults = new ArrayList<>();
        for (FaultKind kind : ordered) faults.add(onMachine(kind, pick(random, machines), random));
        while (faults.size() < count) faults.add(onMachine(ordered.get(random.nextInt(ordered.size())), pick(random, machines), random));
        Collections.shuffle(faults, random);
        return List.copyOf(faults);
    }

    private static Fault onMachine(FaultKind kind, String machine, Random random) {
        return switch (kind) {
            case KILL, WIPE -> new Fault(kind, List.of(machine), 500 + random.nextInt(3_000), 0);
            case PAUSE -> new Fault(kind, List.of(machine), PAUSE_MS_MIN + random.nextInt(2_500), 0);
            default -> throw new IllegalArgumentException(kind + " is not a machine fault");
        };
    }

    private static Fault of(FaultKind kind, Random random) {
        List<String> participants = EnrollmentContainers.PARTICIPANTS;
        return switch (kind) {
            case KILL -> kill(random, pick(random, EnrollmentContainers.NODES));
            case PAUSE -> new Fault(kind, List.of(pick(random, EnrollmentContainers.NODES)), PAUSE_MS_MIN + random.nextInt(2_500), 0);
            case ISOLATE -> new Fault(kind, List.of(pick(random, EnrollmentContainers.NODES)), 3_000 + random.nextInt(5_000), 0);
            case CUT_COORDINATOR_FROM_PARTICIPANT -> new Fault(kind,
                    List.of(EnrollmentContainers.COORDINATOR, pick(random, participants)), 3_000 + random.nextInt(5_000), 0);
            case CUT_PARTICIPANTS -> new Fault(kind, participants, 3_000 + random.nextInt(5_000), 0);
            case CUT_COORDINATOR_AND_PEER -> {
                List<String> shuffled = new ArrayList<>(participants);
                Collections.shuffle(shuffled, random);
                yield new Fault(kind, List.of(EnrollmentContainers.COORDINATOR, shuffled.get(0), shuffled.get(1)),
                        3_000 + random.nextInt(5_000), 0);
            }
            case PACKET_LOSS -> new Fault(kind, List.of(pick(random, EnrollmentContainers.NODES)), 4_000 + random.nextInt(4_000),
                    0.1 + 0.3 * random.nextDouble());
            case WIPE -> throw new IllegalArgumentException("a container's participant has one disk: it is never wiped");
        };
    }

    private static Fault kill(Random random, String node) {
        return new Fault(FaultKind.KILL, List.of(node), 500 + random.nextInt(3_000), 0);
    }

    private static String pick(Random random, List<String> from) {
        return from.get(random.nextInt(from.size()));
    }
}
