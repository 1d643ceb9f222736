package dev.pledge.chaos.cluster;

import dev.pledge.client.PledgeClient;
import dev.pledge.demo.client.Enrollment;
import dev.pledge.demo.client.OpResult;
import dev.pledge.demo.launch.Seeder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One Jepsen-style run against any {@link ChaosCluster}, the same whatever the cluster is made of:
 * seed the students and courses, start the concurrent enrollment workload, inject the schedule
 * one fault at a time, stop the workload, then check (the audit, every transaction's outcome at
 * the coordinators and at every participant, the data against the committed history, no lock
 * left), print and keep the summary, and assert that the run did real work and stayed clean.
 *
 * @param title        how the summary names the run ("container chaos over TLS")
 * @param kinds        the kinds of fault the schedule holds, every one of which must have been injected
 * @param logNames     the nodes whose logs in the run's root the summary searches for evidence
 * @param recordFile   the file under target/ that keeps the summary for the record
 */
record ChaosRun(String title, long seed, List<Fault> schedule, Set<FaultKind> kinds, int students, int courses,
                int clients, Duration txTimeout, List<String> logNames, String recordFile) {
    /** Pause between one fault's heal and the next fault. */
    private static final long GAP_MS = 2_000;
    /** The least number of committed enrollments for a run to count as having done real work. */
    private static final int COMMITTED_MIN = 50;
    private static final Duration WORKLOAD_STOP_MAX = Duration.ofMinutes(2);

    /** Runs the workload under the nemesis against {@code cluster}, then checks it; fails on anything unclean. */
    void against(ChaosCluster cluster, PledgeClient client, ResolutionWatch watch, FaultLog faults, Path root) throws Exception {
        Seeder.seed(client, cluster.topology(), students, courses, seed, root);
        ChaosWorkload workload = new ChaosWorkload(new Enrollment(client, cluster.topology(), txTimeout, 1), students, courses, seed);
        Nemesis nemesis = new Nemesis(cluster, faults, watch, GAP_MS,
                () -> workload.size() + " transactions, " + workload.committed() + " committed");

        long startNs = System.nanoTime();
        workload.start(clients);
        int injected = nemesis.run(schedule);
        workload.stopAndJoin(WORKLOAD_STOP_MAX.toMillis());
        double minutes = (System.nanoTime() - startNs) / 60e9;
        faults.note("workload stopped after " + workload.size() + " transactions; checking");

        List<OpRecord> records = workload.records();
        CheckReport report = new ClusterChecker(cluster, client, watch).check(records, nemesis.lastHealNs());
        String summary = Summary.table(title, seed, minutes, faults, records, report, NodeLogs.evidence(root, logNames));
        System.out.println(summary);
        Files.writeString(root.resolve("summary.txt"), summary + String.join("\n", faults.lines()) + "\n");
        Summary.keepForTheRecord(recordFile, summary, faults);

        assertThat(injected).as("faults injected").isEqualTo(schedule.size());
        assertThat(faults.injectedByKind()).as("every kind of fault asked for").containsOnlyKeys(kinds);
        assertThat(records.stream().filter(r -> r.result().kind() == OpResult.Kind.COMMITTED).count())
                .as("committed transactions (the run must do real work)").isGreaterThan(COMMITTED_MIN);
        assertThat(report.clean()).as(report + "\nnode logs are in " + root).isTrue();
        assertThat(faults.unresolved()).as("faults after whose heal branches stayed in doubt " + ResolutionWatch.BOUND).isZero();
    }
}
