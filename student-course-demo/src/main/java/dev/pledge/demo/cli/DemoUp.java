package dev.pledge.demo.cli;

import dev.pledge.client.PledgeClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.demo.client.Enrollment;
import dev.pledge.demo.client.LiveStats;
import dev.pledge.demo.client.Mix;
import dev.pledge.demo.client.Topology;
import dev.pledge.demo.client.Workload;
import dev.pledge.demo.dashboard.ClusterWatch;
import dev.pledge.demo.dashboard.DashboardServer;
import dev.pledge.demo.dashboard.DemoFeed;
import dev.pledge.demo.domain.Audit;
import dev.pledge.demo.launch.ClusterProbe;
import dev.pledge.demo.launch.DemoCluster;
import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.demo.launch.MachineCluster;
import dev.pledge.demo.launch.ProcessCluster;
import dev.pledge.demo.launch.Seeder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code demo up}: starts the coordinator (or several) and the three participant services as
 * separate processes, seeds data once, runs the mixed workload, prints a live line every second
 * and an audit every few seconds; with --chaos it also SIGKILLs a random node every few seconds
 * and restarts it on the same data, or, now and then for a coordinator, on an empty data directory.
 * It serves a web dashboard of the same (port 7780 unless told otherwise) with buttons that kill,
 * freeze, continue and restart the nodes. Ctrl-C stops everything and leaves no process behind.
 */
@Command(name = "up", mixinStandardHelpOptions = true, description = "Start the demo cluster and run the enrollment workload.")
final class DemoUp implements Callable<Integer> {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    /** With --chaos, one coordinator kill in this many also deletes its data directory before the restart. */
    private static final int WIPE_ONE_IN = 3;
    /** --dashboard-port value that serves no dashboard. */
    private static final int NO_DASHBOARD = -1;
    private static final int PORT_MAX = 65_535;
    /** The participants' Admin-stats counter of operations that waited for a lock. */
    static final String LOCK_WAITS_COUNTER = "locks.waits";

    @ParentCommand
    DemoCommand parent;

    @Option(names = "--host", description = "loopback address to bind (default: ${DEFAULT-VALUE})")
    String host = "127.0.0.1";

    @Option(names = "--base-port", description = "coordinator port; participants take the next three (default: ${DEFAULT-VALUE})")
    int basePort = 7700;

    @Option(names = "--students", description = "students to seed (default: ${DEFAULT-VALUE})")
    int students = 2000;

    @Option(names = "--courses", description = "courses to seed (default: ${DEFAULT-VALUE})")
    int courses = 100;

    @Option(names = "--clients", description = "concurrent workload clients (default: ${DEFAULT-VALUE})")
    int clients = 8;

    @Option(names = "--duration-s", description = "stop after this many seconds; 0 runs until Ctrl-C (default: ${DEFAULT-VALUE})")
    int durationS = 0;

    @Option(names = "--audit-every-s", description = "seconds between audits (default: ${DEFAULT-VALUE})")
    int auditEveryS = 5;

    @Option(names = "--coordinators", description = "coordinators running at once, on the ports after the participants'; "
            + "the client spreads transactions over them and fails over (default: ${DEFAULT-VALUE})")
    int coordinators = 1;

    @Option(names = "--chaos", description = "SIGKILL a random node (coordinators included) every few seconds and restart it; "
            + "now and then a coordinator comes back on an empty data directory. With --replicas: whole machines are "
            + "SIGKILLed or frozen (SIGSTOP, then SIGCONT), one at a time, and now and then one comes back on an empty disk")
    boolean chaos;

    @Option(names = "--replicas", description = "1: each participant is one process; 3 (up to " + MachineCluster.MACHINES_MAX
            + "): as many machines, each one process hosting a replica of every shard (Raft groups) and a coordinator, "
            + "each on consecutive ports from --base-port (Raft, coordinator, one per shard), the next machine after it "
            + "(default: ${DEFAULT-VALUE})")
    int replicas = 1;

    @Option(names = "--chaos-every-s", description = "seconds between kills with --chaos (default: ${DEFAULT-VALUE})")
    int chaosEveryS = 5;

    @Option(names = "--tls", description = "TLS 1.3 with client certificates on every link: makes a CA and certificates "
            + "for every node, the demo's client and an operator in DATA_DIR/certs")
    boolean tls;

    @Option(names = "--mix", description = "which courses enrollments go to, hot or uniform: hot sends a third to "
            + "five courses (wait-die, LOCK_TIMEOUT, full courses), uniform spreads them for the commit path's own latency "
            + "(default: ${DEFAULT-VALUE})")
    Mix mix = Mix.HOT;

    @Option(names = "--seed", description = "seed of the workload and the chaos schedule (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(names = "--dashboard-port", description = "port of the web dashboard on --host; 0 picks a free one, -1 serves none "
            + "(default: ${DEFAULT-VALUE})")
    int dashboardPort = DashboardServer.PORT_DEFAULT;

    @Option(names = "--quiet-nodes", negatable = true, description = "keep node output in <data-dir>/*.log only (default: ${DEFAULT-VALUE})")
    boolean quietNodes = true;

    private final PrintStream out = System.out;
    private final ConcurrentLinkedQueue<String> faults = new ConcurrentLinkedQueue<>();
    /** The machine chaos of {@code --replicas --chaos}, once started. */
    private MachineChaos machineChaos;
    private volatile boolean stopping;
    private volatile int auditsRun;
    private volatile int auditsDirty;
    private final DemoFeed feed = new DemoFeed();
    /** Set once the client is up; the dashboard's audit button needs it. */
    private volatile Enrollment enrollment;

    private Path dataDir;
    /** The machines, with --replicas above 1; null otherwise. */
    private MachineCluster machines;

    @Override
    public Integer call() throws Exception {
        if (dashboardPort < NO_DASHBOARD || dashboardPort > PORT_MAX) {
            throw new IllegalArgumentException("--dashboard-port must be in [0, " + PORT_MAX + "], or " + NO_DASHBOARD
                    + " for no dashboard; was " + dashboardPort);
        }
        checkReplicas();
        dataDir = parent.dataDir;
        Files.createDirectories(dataDir);
        LocalCluster unreplicated = null;
        ProcessCluster cluster;
        if (machines()) {
            machines = new MachineCluster(dataDir.toAbsolutePath(), host, basePort, replicas,
                    quietNodes ? null : line -> out.println("  " + line)).withJvmOptions(LocalCluster.JVM_STEADY);
            cluster = machines;
        } else {
            unreplicated = DemoCluster.define(dataDir.toAbsolutePath(), host, basePort, coordinators,
                    quietNodes ? null : line -> out.println("  " + line)).withJvmOptions(LocalCluster.JVM_STEADY);
            cluster = unreplicated;
        }
        if (tls) {
            Path certs = machines() ? machines.withTls().certsDir() : unreplicated.withTls().certsDir();
            say("TLS 1.3 with client certificates on every link" + (machines() ? ", Raft's included" : "")
                    + " (certificates in " + certs + ")");
        }
        ClusterWatch watch = dashboardPort == NO_DASHBOARD ? null : new ClusterWatch(cluster);
        DashboardServer dashboard = watch == null ? null : startDashboard(cluster, watch);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopping = true;
            say("stopping: every node is shut down");
            if (dashboard != null) dashboard.close();
            if (watch != null) watch.close();
            cluster.close();
            DemoCluster.removeFile(dataDir);
            finished.countDown();
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        say(machines() ? "starting " + replicas + " machines " + cluster.nodeNames() + ", each a coordinator and a replica of "
                + "student-a, student-b and course-c (data in " + dataDir.toAbsolutePath() + ")"
                : "starting " + (coordinators == 1 ? "coordinator" : coordinators + " coordinators")
                + ", student-a, student-b and course-c (data in " + dataDir.toAbsolutePath() + ")");
        cluster.startAll();
        Topology topology = machines() ? machines.topology() : DemoCluster.topology(unreplicated);
        DemoCluster.writeFile(dataDir, topology, machines() ? machines.certsDir() : unreplicated.certsDir(),
                machines() ? machines.replicaSets() : List.of());
        say("cluster up: " + (coordinators == 1 && !machines() ? "coordinator " + topology.coordinator()
                : "coordinators " + topology.coordinators()) + ", students " + topology.studentShards()
                + ", courses " + topology.courses() + (machines() ? " (each shard: a replica on every machine)" : "")
                + " (node logs: " + dataDir.resolve("*.log") + ")");
        int exit;
        RpcClientConfig rpc = cluster.clientConfig(LocalCluster.TLS_CLIENT, RpcClientConfig.defaults());
        PledgeClient.Builder clientBuilder = PledgeClient.builder().coordinators(topology.coordinators()).clientName("demo").rpcConfig(rpc);
        try (ClusterProbe probe = ClusterProbe.of(cluster)) {
            if (machines()) {
                machines.replicaSets().forEach(set -> {
                    clientBuilder.replicaSet(set);
                    probe.withReplicaSet(set);
                });
                awaitEveryShardLed(probe);
            }
            exit = seedAndRun(clientBuilder.build(), cluster, topology, probe);
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        hook.run();
        finished.await(30, TimeUnit.SECONDS);
        return exit;
    }

    private boolean machines() {
        return replicas > 1;
    }

    private void checkReplicas() {
        if (replicas < 1 || replicas > MachineCluster.MACHINES_MAX) {
            throw new IllegalArgumentException("--replicas must be in [1, " + MachineCluster.MACHINES_MAX + "], was " + replicas);
        }
        if (replicas == 2) throw new IllegalArgumentException("--replicas 2 would stop at the loss of either machine; use 3");
        if (machines() && coordinators != 1) {
            throw new IllegalArgumentException("--replicas runs one coordinator on every machine; drop --coordinators");
        }
    }

    /** A machine's groups elect once a majority of machines is up; seeding waits for that rather than failing its first calls. */
    private void awaitEveryShardLed(ClusterProbe probe) throws InterruptedException {
        long startNs = System.nanoTime();
        long deadlineNs = startNs + MachineChaos.LEADERS_WAIT_MAX.toNanos();
        Map<String, String> leaders = machines.leaders(probe);
        while (leaders.containsValue(null) && System.nanoTime() < deadlineNs) {
            TimeUnit.MILLISECONDS.sleep(100);
            leaders = machines.leaders(probe);
        }
        say("leaders: " + leadersText(leaders) + String.format(" (after %.1f s)", (System.nanoTime() - startNs) / 1e9));
    }

    /** "student-a m1, student-b m3, course-c m1", a shard with no leader as "none". */
    static String leadersText(Map<String, String> leaders) {
        StringBuilder s = new StringBuilder();
        leaders.forEach((shard, m) -> s.append(s.length() == 0 ? "" : ", ").append(shard).append(' ').append(m == null ? "none" : m));
        return s.toString();
    }

    private int seedAndRun(PledgeClient built, ProcessCluster cluster, Topology topology, ClusterProbe probe) throws Exception {
        int exit;
        try (PledgeClient client = built) {
            if (Seeder.seeded(dataDir)) {
                say("data already seeded; keeping it");
            } else {
                say("seeding " + students + " students and " + courses + " courses");
                Seeder.seed(client, topology, students, courses, seed, dataDir);
            }
            enrollment = new Enrollment(client, topology, Duration.ofSeconds(5));
            exit = runWorkload(cluster, topology, probe);
        }
        return exit;
    }

    /** Bound before any node starts, so a port in use fails at once; the page shows the nodes as they come up. */
    private DashboardServer startDashboard(ProcessCluster cluster, ClusterWatch watch) {
        DashboardServer server = new DashboardServer(host, dashboardPort, cluster, watch.start(), feed, this::auditFromDashboard, faults::add);
        say("dashboard listening on " + host + ":" + server.port() + " (http://" + host + ":" + server.port() + "/)");
        return server;
    }

    private String auditFromDashboard() {
        Enrollment e = enrollment;
        if (e == null) return "the cluster is still starting";
        Audit.Result r = audit(e);
        return r == null ? "no consistent snapshot this round (lock conflicts with the workload)" : r.toString();
    }

    private int runWorkload(ProcessCluster cluster, Topology topology, ClusterProbe probe) throws Exception {
        LiveStats stats = new LiveStats();
        feed.mix(mix.name().toLowerCase(java.util.Locale.ROOT));
        Workload workload = new Workload(enrollment, students, courses, seed, mix, stats, null);
        say("running the " + mix.name().toLowerCase(java.util.Locale.ROOT) + " mix with " + clients + " clients; "
                + "each line splits the mean latency into operations with their lock waits, commit, and attempts retried, "
                + "and gives the lock waits the participants counted");
        workload.start(clients);
        Thread chaosThread = !chaos ? null : machines() ? startMachineChaos(probe) : startChaos((LocalCluster) cluster);
        Thread auditThread = startAudits(enrollment);
        long startNs = System.nanoTime();
        long lastNs = startNs;
        while (!stopping && (durationS == 0 || System.nanoTime() - startNs < durationS * 1_000_000_000L)) {
            TimeUnit.MILLISECONDS.sleep(1000 - (System.nanoTime() - startNs) / 1_000_000 % 1000);
            long nowNs = System.nanoTime();
            long inDoubt = probe.inDoubtTotal(participants(topology));
            long lockWaits = probe.counterTotal(participants(topology), LOCK_WAITS_COUNTER);
            LiveStats.Interval interval = stats.interval((nowNs - lastNs) / 1e9, inDoubt, lockWaits);
            List<String> seen = drainFaults();
            long atMs = System.currentTimeMillis();
            feed.interval(atMs, interval);
            seen.forEach(f -> feed.event(atMs, f));
            String leaders = "";
            if (machines()) {
                Map<String, String> led = machines.leaders(probe);
                feed.leaders(led);
                leaders = "leaders " + leadersText(led);
            }
            say(interval.line(String.join(" | ", java.util.stream.Stream.of(leaders, String.join("; ", seen))
                    .filter(t -> !t.isEmpty()).toList())));
            lastNs = nowNs;
        }
        workload.stop();
        // A machine fault under way ends first (the machine back, every shard led) and is reported;
        // the final audit then sees the whole cluster.
        if (machineChaos != null && !stopping && !machineChaos.finish(chaosThread)) {
            say("chaos: the fault under way did not end within " + MachineChaos.FINISH_WAIT_MAX.toSeconds() + " s");
        }
        for (Thread t : new Thread[] {chaosThread, auditThread}) {
            if (t == null) continue;
            t.interrupt();
            t.join(30_000);
        }
        drainFaults().forEach(f -> say("chaos: " + f));
        if (stopping) return 130;
        say("workload stopped; waiting for every branch to resolve, then the final audit");
        awaitNoInDoubt(probe, topology);
        Audit.Result last = finalAudit(enrollment);
        say(String.format("done: %d committed, %d audits, %d with violations%s", stats.committed(), auditsRun, auditsDirty,
                last == null ? "" : "; final audit " + last));
        return auditsDirty == 0 && last != null && last.clean() ? 0 : 1;
    }

    /** Audits run beside the live line, so a slow snapshot never stalls the per-second report. */
    private Thread startAudits(Enrollment enrollment) {
        Thread t = new Thread(() -> {
            try {
                while (!stopping) {
                    TimeUnit.SECONDS.sleep(auditEveryS);
                    audit(enrollment);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-audit");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static List<dev.pledge.rpc.Endpoint> participants(Topology t) {
        return List.of(t.studentShards().get(0), t.studentShards().get(1), t.courses());
    }

    private synchronized Audit.Result audit(Enrollment enrollment) {
        Audit.Result r = enrollment.audit();
        if (r == null) {
            feed.audit(System.currentTimeMillis(), null);
            say("audit: no consistent snapshot this round (lock conflicts with the workload); retrying next round");
            return null;
        }
        feed.audit(System.currentTimeMillis(), r);
        auditsRun++;
        if (!r.clean()) auditsDirty++;
        say("audit: " + r);
        return r;
    }

    /** With the workload stopped a snapshot must come; a node restarted at the last moment may need a few rounds. */
    private Audit.Result finalAudit(Enrollment enrollment) {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Audit.Result r = audit(enrollment);
        while (r == null && System.nanoTime() < deadlineNs) r = audit(enrollment);
        return r;
    }

    private void awaitNoInDoubt(ClusterProbe probe, Topology topology) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadlineNs && probe.inDoubtTotal(participants(topology)) != 0) {
            Thread.sleep(200);
        }
    }

    private Thread startMachineChaos(ClusterProbe probe) {
        MachineChaos c = new MachineChaos(machines, probe, seed ^ 0x5eedL, () -> stopping, faults::add);
        machineChaos = c;
        Thread t = new Thread(() -> c.run(chaosEveryS), "demo-chaos");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private Thread startChaos(LocalCluster cluster) {
        Random random = new Random(seed ^ 0x5eedL);
        Thread t = new Thread(() -> {
            try {
                while (!stopping) {
                    Thread.sleep(chaosEveryS * 1000L);
                    List<String> names = cluster.nodeNames();
                    String victim = names.get(random.nextInt(names.size()));
                    long t0 = System.nanoTime();
                    cluster.node(victim).kill9();
                    // Implicit commit: a coordinator holds no decision, so one may come back on an empty disk.
                    boolean wipe = cluster.isCoordinator(victim) && random.nextInt(WIPE_ONE_IN) == 0;
                    try {
                        Thread.sleep(200 + random.nextInt(800));
                        if (wipe) cluster.wipe(victim);
                    } finally {
                        // Even when told to stop mid-fault: a killed node always comes back.
                        if (!stopping) cluster.start(victim);
                        faults.add(String.format("SIGKILL %s%s, back in %.1f s", victim,
                                wipe ? " and its data directory deleted" : "", (System.nanoTime() - t0) / 1e9));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                if (!stopping) faults.add("chaos stopped: " + e.getMessage());
            }
        }, "demo-chaos");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private List<String> drainFaults() {
        List<String> seen = new java.util.ArrayList<>();
        for (String f; (f = faults.poll()) != null; ) seen.add(f);
        return seen;
    }

    private void say(String line) {
        out.println(LocalTime.now().format(CLOCK) + "  " + line);
        out.flush();
    }
}
