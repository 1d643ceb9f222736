package dev.pledge.it;

import dev.pledge.client.PledgeClient;
import dev.pledge.demo.cli.DemoCommand;
import dev.pledge.demo.client.Enrollment;
import dev.pledge.demo.client.LiveStats;
import dev.pledge.demo.client.Mix;
import dev.pledge.demo.client.Topology;
import dev.pledge.demo.client.Workload;
import dev.pledge.demo.domain.Audit;
import dev.pledge.demo.launch.ClusterProbe;
import dev.pledge.demo.launch.DemoCluster;
import dev.pledge.demo.launch.MachineCluster;
import dev.pledge.demo.launch.Seeder;
import dev.pledge.rpc.Endpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The enrollment demo on three machine processes, each one Raft server hosting a replica of every
 * shard (students A and B, courses C) and a coordinator. The machine leading the course shard is
 * SIGKILLed under load: another machine takes the lead, enrollments keep committing on the two
 * left, the killed machine comes back on its disk and rejoins; then the audit is clean and every
 * enrollment a client saw committed is on both sides. Prints the failover time.
 */
@Timeout(400)
class ReplicatedMachinesProcessTest {
    private static final int MACHINES = 3;
    private static final int STUDENTS = 200;
    private static final int COURSES = 20;
    private static final int CLIENTS = 4;
    private static final long SEED = 7;
    /** Commits seen before the kill, while a machine is down, and after it is back: each phase must make progress. */
    private static final int COMMITS_PER_PHASE_MIN = 20;
    private static final Duration PHASE_MAX = Duration.ofSeconds(90);

    @TempDir
    Path root;
    private MachineCluster machines;
    private PledgeClient client;
    private ClusterProbe probe;

    @BeforeEach
    void start() {
        machines = new MachineCluster(root, "127.0.0.1", 0, MACHINES, null);
        machines.startAll();
        PledgeClient.Builder builder = PledgeClient.builder().coordinators(machines.coordinators());
        probe = new ClusterProbe();
        for (List<Endpoint> set : machines.replicaSets()) {
            builder.replicaSet(set);
            probe.withReplicaSet(set);
        }
        client = builder.build();
    }

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (probe != null) probe.close();
        if (machines != null) machines.close();
    }

    @Test
    void theMachineLeadingTheCourseShardKilledUnderLoadLosesNoEnrollmentAndRejoinsOnItsDisk() throws Exception {
        String first = awaitCourseLeaderOtherThan(null);
        Topology topology = machines.topology();
        Seeder.seed(client, topology, STUDENTS, COURSES, SEED, root);
        Enrollment enrollment = new Enrollment(client, topology, Duration.ofSeconds(5));
        LiveStats stats = new LiveStats();
        Workload workload = new Workload(enrollment, STUDENTS, COURSES, SEED, Mix.HOT, stats, null);
        workload.start(CLIENTS);
        awaitCommitsBeyond(stats, 0);

        long killedAtNs = System.nanoTime();
        machines.node(first).kill9();
        long committedAtKill = stats.committed();
        String second = awaitCourseLeaderOtherThan(first);
        long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAtNs);
        awaitCommitsBeyond(stats, committedAtKill);
        statusShowsTheLeaderAndTheDeadMachine(topology, first, second);
        await().atMost(PHASE_MAX).untilAsserted(() -> machineMetricsShowTheLeader(second, first));

        machines.start(first);
        await().atMost(PHASE_MAX).until(() -> !machines.leaders(probe).containsValue(null));
        long committedAtReturn = stats.committed();
        awaitCommitsBeyond(stats, committedAtReturn);
        workload.stop();

        await().atMost(PHASE_MAX).until(() -> probe.inDoubtTotal(participants(topology)) == 0);
        Audit.Result audit = await().atMost(PHASE_MAX).until(enrollment::audit, r -> r != null);
        assertThat(audit.violations()).as("audit after the machine's loss and return").isEmpty();
        EnrollmentEndToEndTest.everyEnrollmentSeenCommittedIsOnBothSides(enrollment, workload.committedLog(), workload.inDoubtLog());
        System.out.printf("machines: %s led course-c and was SIGKILLed; %s served it after %d ms; %d committed in all "
                + "(%d before the kill); audit %s%n", first, second, failoverMs, stats.committed(), committedAtKill, audit);
    }

    /**
     * {@code pledge demo status} asks every replica of each shard, not only the first machine's:
     * the course shard's line for {@code leader}'s replica says it leads, {@code dead}'s says DOWN,
     * and the exit code reports a node down.
     */
    private void statusShowsTheLeaderAndTheDeadMachine(Topology topology, String dead, String leader) {
        DemoCluster.writeFile(root, topology, null, machines.replicaSets());
        CliRun run = CliRun.of(new DemoCommand(), "--data-dir", root.toString(), "status");
        String status = run.printed();
        System.out.print(status);
        assertThat(run.code()).as("a machine is down; printed: %s", status).isEqualTo(1);
        assertThat(courseLine(status, dead)).as(status).contains("DOWN");
        assertThat(courseLine(status, leader)).as(status).contains("(leader, incarnation");
        assertThat(status.lines().filter(l -> l.startsWith(DemoCluster.COURSE_C) && l.contains("(follower)")).count())
                .as("the third machine follows; printed: %s", status).isEqualTo(1);
    }

    /**
     * Each live machine's /metrics is one valid page (each family declared once) with its Raft view
     * of every shard: only {@code leader} says it leads the course shard, and only its page carries
     * the course shard's participant meters (they move with leadership); every page carries its
     * coordinator's meters. /health is 200 on both, naming the leader.
     */
    private void machineMetricsShowTheLeader(String leader, String dead) throws Exception {
        for (String m : machines.nodeNames()) {
            if (m.equals(dead)) continue;
            Endpoint ops = machines.layout(m).metrics();
            String page = get(ops, "/metrics").body();
            List<String> declared = page.lines().filter(l -> l.startsWith("# TYPE ")).toList();
            assertThat(declared).as("machine %s declares each family once", m).doesNotHaveDuplicates();
            String leading = "pledge_shard_leading{node=\"" + m + "\",role=\"machine\",shard=\"" + DemoCluster.COURSE_C + "\"}";
            assertThat(page).as("machine %s's page", m).contains(leading + (m.equals(leader) ? " 1.0" : " 0.0"))
                    .contains("pledge_shard_leader_known{node=\"" + m + "\",role=\"machine\",shard=\"" + DemoCluster.COURSE_C + "\"} 1.0")
                    .contains("node=\"" + machines.layout(m).coordinatorId() + "\"");
            boolean courseMeters = page.lines().anyMatch(l -> l.startsWith("pledge_participant_branches")
                    && l.contains("node=\"" + DemoCluster.COURSE_C + "\""));
            assertThat(courseMeters).as("course shard's participant meters on machine %s (leader %s)", m, leader)
                    .isEqualTo(m.equals(leader));
            HttpResponse<String> health = get(ops, "/health");
            assertThat(health.statusCode()).as("machine %s /health: %s", m, health.body()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"").contains("leader " + leader);
        }
    }

    private static HttpResponse<String> get(Endpoint ops, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + ops + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The status line of the course shard's replica on {@code machine}. */
    private String courseLine(String status, String machine) {
        Endpoint replica = machines.replicas(DemoCluster.COURSE_C).stream()
                .filter(e -> machines.machineOf(e).equals(machine)).findFirst().orElseThrow();
        return status.lines().filter(l -> l.startsWith(DemoCluster.COURSE_C) && l.contains(replica.toString()))
                .findFirst().orElse("(no line for " + replica + ")");
    }

    private void awaitCommitsBeyond(LiveStats stats, long committed) {
        await().atMost(PHASE_MAX).until(() -> stats.committed() >= committed + COMMITS_PER_PHASE_MIN);
    }

    /** The machine that leads the course shard, once one does and it is not {@code not}. */
    private String awaitCourseLeaderOtherThan(String not) {
        return await().atMost(PHASE_MAX).pollInterval(Duration.ofMillis(20)).until(
                () -> machines.leaders(probe).get(DemoCluster.COURSE_C), m -> m != null && !m.equals(not));
    }

    private static List<Endpoint> participants(Topology t) {
        return List.of(t.studentShards().get(0), t.studentShards().get(1), t.courses());
    }
}
