package dev.pledge.demo.cli;

import dev.pledge.client.PledgeClient;
import dev.pledge.demo.client.Enrollment;
import dev.pledge.demo.client.LiveStats;
import dev.pledge.demo.client.Mix;
import dev.pledge.demo.client.Topology;
import dev.pledge.demo.client.Workload;
import dev.pledge.demo.domain.Audit;
import dev.pledge.demo.launch.ClusterProbe;
import dev.pledge.demo.launch.DemoCluster;
import dev.pledge.demo.launch.Seeder;
import dev.pledge.rpc.Endpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code demo run}: the demo's workload against nodes someone else started (containers, other
 * hosts): waits until every node answers, seeds once per data directory, runs the mixed workload
 * with the live line and periodic audits, then lets every branch resolve and audits a last time.
 * Exit 0 only if every audit was clean. It writes the addresses to the data directory, so the
 * other demo commands (audit, status, enroll) find the cluster afterwards.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the enrollment workload against a running cluster, given its addresses.")
final class DemoRun implements Callable<Integer> {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    /** Between pings while waiting for nodes, and between in-doubt counts at the end. */
    private static final long POLL_MS = 250;
    /** How long the last branches may take to resolve once the workload stopped. */
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);

    @ParentCommand
    DemoCommand parent;

    @Option(names = "--coordinator", required = true, split = ",", converter = EndpointConverter.class,
            description = "coordinator host:port; repeat (or comma-separate) for several")
    List<Endpoint> coordinators;

    @Option(names = "--student-a", required = true, converter = EndpointConverter.class, description = "student shard A host:port")
    Endpoint studentA;

    @Option(names = "--student-b", required = true, converter = EndpointConverter.class, description = "student shard B host:port")
    Endpoint studentB;

    @Option(names = "--course-c", required = true, converter = EndpointConverter.class, description = "course node C host:port")
    Endpoint courseC;

    @Option(names = "--students", description = "students to seed (default: ${DEFAULT-VALUE})")
    int students = 2000;

    @Option(names = "--courses", description = "courses to seed (default: ${DEFAULT-VALUE})")
    int courses = 100;

    @Option(names = "--clients", description = "concurrent workload clients (default: ${DEFAULT-VALUE})")
    int clients = 8;

    @Option(names = "--duration-s", description = "stop after this many seconds; 0 runs until stopped (default: ${DEFAULT-VALUE})")
    int durationS = 0;

    @Option(names = "--audit-every-s", description = "seconds between audits (default: ${DEFAULT-VALUE})")
    int auditEveryS = 5;

    @Option(names = "--wait-for-nodes-s", description = "how long to wait for every node to answer (default: ${DEFAULT-VALUE})")
    int waitForNodesS = 120;

    @Option(names = "--mix", description = "which courses enrollments go to: hot or uniform, as for demo up "
            + "(default: ${DEFAULT-VALUE})")
    Mix mix = Mix.HOT;

    @Option(names = "--seed", description = "seed of the data and the workload (default: ${DEFAULT-VALUE})")
    long seed = 42;

    private final PrintStream out = System.out;
    private volatile boolean stopping;
    private int auditsRun;
    private int auditsDirty;

    @Override
    public Integer call() throws Exception {
        checkPositive("--clients", clients);
        checkPositive("--students", students);
        checkPositive("--courses", courses);
        checkPositive("--audit-every-s", auditEveryS);
        if (durationS < 0) throw new IllegalArgumentException("--duration-s must be >= 0, was " + durationS);
        Path dataDir = parent.dataDir;
        Files.createDirectories(dataDir);
        Topology topology = new Topology(coordinators, List.of(studentA, studentB), courseC);
        Thread hook = new Thread(() -> stopping = true, "demo-run-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (PledgeClient client = PledgeClient.builder().coordinators(topology.coordinators()).clientName("demo").build();
             ClusterProbe probe = new ClusterProbe()) {
            awaitNodes(probe, topology);
            DemoCluster.writeFile(dataDir, topology);
            say("cluster up: coordinators " + topology.coordinators() + ", students " + topology.studentShards()
                    + ", courses " + topology.courses());
            if (Seeder.seeded(dataDir)) {
                say("data already seeded; keeping it");
            } else {
                say("seeding " + students + " students and " + courses + " courses");
                Seeder.seed(client, topology, students, courses, seed, dataDir);
            }
            return runWorkload(new Enrollment(client, topology, Duration.ofSeconds(5)), topology, probe);
        } finally {
            if (!stopping) Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    /** host:port as the nodes take it; a bad one is a usage error naming the option. */
    static final class EndpointConverter implements ITypeConverter<Endpoint> {
        @Override
        public Endpoint convert(String value) {
            try {
                return Endpoint.parse(value);
            } catch (RuntimeException e) {
                throw new TypeConversionException("not host:port: '" + value + "' (" + e.getMessage() + ")");
            }
        }
    }

    private static void checkPositive(String option, int value) {
        if (value < 1) throw new IllegalArgumentException(option + " must be >= 1, was " + value);
    }

    private void awaitNodes(ClusterProbe probe, Topology topology) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitForNodesS);
        say("waiting for " + topology.coordinators().size() + " coordinator(s) and 3 participants to answer");
        while (true) {
            String down = firstDown(probe, topology);
            if (down == null) return;
            if (System.nanoTime() > deadlineNs) {
                throw new IllegalStateException("no answer within " + waitForNodesS + " s from " + down);
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MS);
        }
    }

    /** The first node that does not answer a ping, with the reason; null if all do. */
    private static String firstDown(ClusterProbe probe, Topology topology) {
        for (Endpoint c : topology.coordinators()) {
            try {
                probe.pingCoordinator(c);
            } catch (Exception e) {
                return "coordinator " + c + " (" + e.getMessage() + ")";
            }
        }
        for (Endpoint p : participants(topology)) {
            try {
                probe.pingParticipant(p);
            } catch (Exception e) {
                return "participant " + p + " (" + e.getMessage() + ")";
            }
        }
        return null;
    }

    private int runWorkload(Enrollment enrollment, Topology topology, ClusterProbe probe) throws InterruptedException {
        LiveStats stats = new LiveStats();
        Workload workload = new Workload(enrollment, students, courses, seed, mix, stats, null);
        workload.start(clients);
        long startNs = System.nanoTime();
        long lastNs = startNs;
        long nextAuditNs = startNs + TimeUnit.SECONDS.toNanos(auditEveryS);
        while (!stopping && (durationS == 0 || System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(durationS))) {
            TimeUnit.MILLISECONDS.sleep(1000 - (System.nanoTime() - startNs) / 1_000_000 % 1000);
            long nowNs = System.nanoTime();
            long lockWaits = probe.counterTotal(participants(topology), DemoUp.LOCK_WAITS_COUNTER);
            say(stats.interval((nowNs - lastNs) / 1e9, probe.inDoubtTotal(participants(topology)), lockWaits).line(""));
            lastNs = nowNs;
            // Audits take their shared locks between the live lines: the workload keeps running.
            if (nowNs >= nextAuditNs) {
                audit(enrollment);
                nextAuditNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(auditEveryS);
            }
        }
        workload.stop();
        if (stopping) return 130;
        say("workload stopped; waiting for every branch to resolve, then the final audit");
        awaitNoInDoubt(probe, topology);
        Audit.Result last = audit(enrollment);
        say(String.format("done: %d committed, %d audits, %d with violations%s", stats.committed(), auditsRun, auditsDirty,
                last == null ? "; no final audit" : "; final audit " + last));
        return auditsDirty == 0 && last != null && last.clean() ? 0 : 1;
    }

    private Audit.Result audit(Enrollment enrollment) {
        Audit.Result r = enrollment.audit();
        if (r == null) {
            say("audit: no consistent snapshot this round (lock conflicts with the workload)");
            return null;
        }
        auditsRun++;
        if (!r.clean()) auditsDirty++;
        say("audit: " + r);
        r.violations().forEach(v -> say("  " + v));
        return r;
    }

    private void awaitNoInDoubt(ClusterProbe probe, Topology topology) throws InterruptedException {
        long deadlineNs = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadlineNs && probe.inDoubtTotal(participants(topology)) != 0) {
            TimeUnit.MILLISECONDS.sleep(POLL_MS);
        }
    }

    private static List<Endpoint> participants(Topology t) {
        return List.of(t.studentShards().get(0), t.studentShards().get(1), t.courses());
    }

    private void say(String line) {
        out.println(LocalTime.now().format(CLOCK) + "  " + line);
        out.flush();
    }
}
