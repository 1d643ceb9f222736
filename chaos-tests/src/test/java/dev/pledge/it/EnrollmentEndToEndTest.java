package dev.pledge.it;

import dev.pledge.client.PledgeClient;
import dev.pledge.demo.client.Enrollment;
import dev.pledge.demo.client.LiveStats;
import dev.pledge.demo.client.OpResult;
import dev.pledge.demo.client.Topology;
import dev.pledge.demo.client.Workload;
import dev.pledge.demo.domain.Audit;
import dev.pledge.demo.launch.ClusterProbe;
import dev.pledge.demo.launch.DemoCluster;
import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.demo.launch.Seeder;
import dev.pledge.demo.wire.Course;
import dev.pledge.demo.wire.Student;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The enrollment demo end to end on real processes with two coordinators running at once: a
 * contested 10-seat course, then a mixed workload during which every node is SIGKILLed once and
 * restarted on its data, except the coordinators, which come back on an empty data directory (a
 * coordinator holds no decision). Afterwards one serializable audit must be clean and every
 * enrollment a client saw committed must be on both sides.
 */
class EnrollmentEndToEndTest {
    private static final int STUDENTS = 200;
    private static final int COURSES = 20;
    private static final int CONTENDERS = 50;
    private static final int MIXED_OPS = 1000;

    @TempDir
    Path root;

    private LocalCluster cluster;
    private PledgeClient client;

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void contestedCourseAndMixedWorkloadWithEveryNodeKilledStayConsistent() throws Exception {
        cluster = DemoCluster.define(root, "127.0.0.1", 0, 2, null);
        cluster.startAll();
        Topology topology = DemoCluster.topology(cluster);
        client = PledgeClient.builder().coordinators(topology.coordinators()).commitGrace(Duration.ofSeconds(30)).build();
        Seeder.seed(client, topology, STUDENTS, COURSES, 7, root);
        Enrollment enrollment = new Enrollment(client, topology, Duration.ofSeconds(5));

        exactlyTenOfFiftyContendersGetTheTenSeats(enrollment);
        Workload workload = mixedWorkloadWithEveryNodeKilledOnce(enrollment);

        try (ClusterProbe probe = new ClusterProbe()) {
            List<dev.pledge.rpc.Endpoint> participants = List.of(topology.studentShards().get(0), topology.studentShards().get(1), topology.courses());
            await().atMost(Duration.ofSeconds(90)).until(() -> probe.inDoubtTotal(participants) == 0);
        }
        Audit.Result audit = awaitAudit(enrollment);
        assertThat(audit.violations()).as(audit.toString()).isEmpty();
        everyEnrollmentSeenCommittedIsOnBothSides(enrollment, workload.committedLog(), workload.inDoubtLog());
    }

    private void exactlyTenOfFiftyContendersGetTheTenSeats(Enrollment enrollment) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONTENDERS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<OpResult>> results = new ArrayList<>();
        for (int i = 0; i < CONTENDERS; i++) {
            int student = 100 + i;
            results.add(pool.submit(() -> {
                go.await();
                return untilDecided(() -> enrollment.enroll(student, 0));
            }));
        }
        go.countDown();
        int committed = 0, full = 0;
        for (Future<OpResult> f : results) {
            OpResult r = f.get();
            if (r.committed()) committed++;
            else if (r.kind() == OpResult.Kind.REJECTED && r.reason().startsWith("COURSE_FULL")) full++;
            else throw new AssertionError("contender neither enrolled nor told the course is full: " + r);
        }
        pool.shutdown();
        assertThat(committed).isEqualTo(10);
        assertThat(full).isEqualTo(CONTENDERS - 10);
        Course c0 = enrollment.readCourse(0);
        assertThat(c0.getRoster()).hasSize(10);
    }

    /** Lock conflicts abort attempts; a contender keeps trying until the course says yes or full. */
    private static OpResult untilDecided(java.util.function.Supplier<OpResult> op) {
        OpResult r = null;
        for (int i = 0; i < 100; i++) {
            r = op.get();
            if (r.committed() || r.kind() == OpResult.Kind.REJECTED) return r;
        }
        return r;
    }

    private Workload mixedWorkloadWithEveryNodeKilledOnce(Enrollment enrollment) throws Exception {
        AtomicInteger done = new AtomicInteger();
        List<String> victims = new ArrayList<>(cluster.nodeNames());
        ConcurrentLinkedQueue<Integer> killAt = new ConcurrentLinkedQueue<>(List.of(150, 300, 450, 600, 750));
        CountDownLatch finished = new CountDownLatch(1);
        Workload workload = new Workload(enrollment, STUDENTS, COURSES, 11, new LiveStats(), r -> {
            if (done.incrementAndGet() >= MIXED_OPS) finished.countDown();
        });
        workload.start(6);
        for (String victim : victims) {
            int at = killAt.remove();
            await().atMost(Duration.ofMinutes(3)).until(() -> done.get() >= at);
            cluster.node(victim).kill9();
            if (cluster.isCoordinator(victim)) cluster.wipe(victim);
            cluster.start(victim);
        }
        assertThat(finished.await(5, java.util.concurrent.TimeUnit.MINUTES)).as("workload reached " + MIXED_OPS + " ops").isTrue();
        workload.stop();
        return workload;
    }

    private static Audit.Result awaitAudit(Enrollment enrollment) {
        Audit.Result[] result = new Audit.Result[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> (result[0] = enrollment.audit()) != null);
        return result[0];
    }

    static void everyEnrollmentSeenCommittedIsOnBothSides(Enrollment enrollment, List<Workload.Committed> log,
                                                                   List<Workload.Committed> inDoubt) throws Exception {
        Set<Long> undone = new HashSet<>();
        // A drop or swap left in doubt may have committed and undone an enrollment seen committed.
        List<Workload.Committed> mayHaveUndone = new ArrayList<>(log);
        mayHaveUndone.addAll(inDoubt);
        for (Workload.Committed c : mayHaveUndone) {
            if (c.op().equals("drop")) undone.add(pair(c.students().get(0), c.course()));
            if (c.op().equals("swap")) undone.add(pair(c.students().get(0), c.fromCourse()));
        }
        int checked = 0;
        for (Workload.Committed c : log) {
            if (c.op().equals("drop")) continue;
            for (int s : c.students()) {
                if (undone.contains(pair(s, c.course()))) continue;
                Student st = enrollment.readStudent(s);
                Course co = enrollment.readCourse(c.course());
                assertThat(st.getCourses()).as("student %s after committed %s", s, c).contains(c.course());
                assertThat(co.getRoster()).as("course %s after committed %s", c.course(), c).contains(s);
                checked++;
            }
        }
        assertThat(checked).as("committed enrollments checked").isGreaterThan(50);
    }

    private static long pair(int s, int c) {
        return ((long) s << 32) | c;
    }
}
