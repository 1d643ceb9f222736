package dev.pledge.chaos.cluster;

import dev.pledge.client.PledgeClient;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Random;


/**
 * Jepsen-style, replicated (issue 17): the enrollment cluster on three machines, each a coordinator
 * and a replica of every shard; a concurrent workload through the SDK (every coordinator, every
 * shard's replica set); a seeded nemesis that kills, freezes, and crash-stops machines, a
 * crash-stopped machine coming back on an empty disk as the replacement of its old self; then
 * heal, quiesce and the same checks as the container run ({@link ClusterChecker}): the audit, every
 * transaction's outcome at the coordinators and at every participant, the data against the
 * committed history, no lock left. Prints the fault log and a summary.
 *
 * <p>{@code -Dchaos.seed=N} replays a schedule; {@code -Dchaos.replicated.faults=N} runs more faults.
 */
@Timeout(900)
class ReplicatedChaosTest {
    private static final int STUDENTS = 200;
    private static final int COURSES = 20;
    private static final int CLIENTS = 4;
    /** The CI-sized run: six faults, each kind at least once. */
    private static final int CI_FAULTS = 6;
    private static final Duration TX_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration COMMIT_GRACE = Duration.ofSeconds(1);

    @TempDir
    Path root;

    @Test
    void enrollmentsStayAtomicWhileMachinesAreKilledFrozenAndReplacedOnEmptyDisks() throws Exception {
        long seed = Long.getLong("chaos.seed", new SecureRandom().nextLong() & 0xFFFF_FFFFL);
        int faultCount = Integer.getInteger("chaos.replicated.faults", CI_FAULTS);
        FaultLog faults = new FaultLog();
        try (ReplicatedMachines cluster = ReplicatedMachines.start(root);
             PledgeClient client = client(cluster, seed);
             ResolutionWatch watch = new ResolutionWatch(cluster.participantEndpoints(), faults, RpcClientConfig.defaults())) {
            List<Fault> schedule = NemesisSchedule.forMachines(seed, faultCount, cluster.machineNames(), FaultKind.ON_MACHINES);
            System.out.println("replicated chaos: seed " + seed + " (replay with -Dchaos.seed=" + seed + "), " + schedule.size() + " faults");
            new ChaosRun("replicated chaos on " + ReplicatedMachines.MACHINES + " machines", seed, schedule, FaultKind.ON_MACHINES, STUDENTS, COURSES,
                    CLIENTS, TX_TIMEOUT, cluster.machineNames(), "replicated-chaos-summary.txt")
                    .against(cluster, client, watch, faults, root);
        }
    }

    private static PledgeClient client(ReplicatedMachines cluster, long seed) {
        // A short grace: commits cut off by a machine fault end in doubt at the client, so the checker sees them resolve.
        PledgeClient.Builder b = PledgeClient.builder().coordinators(cluster.coordinators())
                .commitGrace(COMMIT_GRACE).random(new Random(seed));
        for (List<Endpoint> set : cluster.replicaSets()) b.replicaSet(set);
        return b.build();
    }
}
