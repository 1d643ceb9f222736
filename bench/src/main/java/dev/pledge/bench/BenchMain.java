package dev.pledge.bench;

import dev.pledge.client.PledgeClient;
import dev.pledge.demo.launch.ClusterProbe;
import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.participant.storage.WalRecycling;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClientConfig;
import jakarta.transaction.TransactionManager;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The Pledge benchmark: a coordinator and N key-value participants as separate processes on
 * loopback, a closed-loop load of K concurrent transactions, each writing one key at every
 * participant with synced logs. The peer, Narayana in this JVM, coordinates the same participant
 * processes through their XA resources; the floor is the synced writes alone. Prints a markdown
 * table and writes it with JSON under --out.
 */
@Command(name = "pledge-bench", mixinStandardHelpOptions = true,
        description = "Throughput and commit latency of Pledge on this machine.")
public final class BenchMain implements Callable<Integer> {
    @Option(names = "--participants", split = ",", description = "participant counts N (default: ${DEFAULT-VALUE})")
    List<Integer> participants = List.of(2);

    @Option(names = "--concurrency", split = ",", description = "transactions in flight K (default: ${DEFAULT-VALUE})")
    List<Integer> concurrency = List.of(1, 16);

    @Option(names = "--warmup-s", description = "warm-up seconds per cell (default: ${DEFAULT-VALUE})")
    int warmupS = 6;

    @Option(names = "--prime-s", description = "seconds of K=" + PRIME_CONCURRENCY + " Pledge load on each fresh cluster before"
            + " any system is measured, so the nodes' JIT has compiled the hot paths (default: ${DEFAULT-VALUE}; 0: none)")
    int primeS = 6;

    @Option(names = "--measure-s", description = "measured seconds per cell (default: ${DEFAULT-VALUE})")
    int measureS = 10;

    @Option(names = "--quick", description = "N=2, K=1,16, 2 s warm-up, 5 s measured: a spot check in about a minute")
    boolean quick;

    @Option(names = "--full", description = "the full matrix: N=1,2,3,5 x K=1,8,32,64,128")
    boolean full;

    @Option(names = "--systems", split = ",", description = "what to measure: pledge, floor, floor-recycled (the floor's stores"
            + " recycling their log files, as participants do), narayana, pledge-tls (Pledge with TLS on every link, "
            + "on a second cluster), pledge-replicated (every participant a shard on Ratis over " + BenchMain.REPLICAS + " machine processes, each hosting a replica of every shard,"
            + " on a second cluster) (default: ${DEFAULT-VALUE})")
    List<String> systems = List.of("pledge", FLOOR, "narayana");

    @Option(names = "--async", description = "also measure Pledge through commitAsync: K buffered transactions in flight"
            + " from one thread (row pledge-async, on the same cluster right after the blocking K-thread pledge row)")
    boolean async;

    @Option(names = "--jfr", description = "record every node with Java Flight Recorder into this directory")
    Path jfrDir;

    @Option(names = "--node-jvm", split = " ",
            description = "extra JVM options for the nodes, e.g. \"-XX:+UseZGC\" (a collector named here replaces the default)")
    List<String> nodeJvm = new ArrayList<>();

    @Option(names = "--quiet-nodes", description = "nodes log warnings only (measures what per-transition logging costs)")
    boolean quietNodes;

    @Option(names = "--out", description = "directory for results.json and results.md (default: ${DEFAULT-VALUE})")
    Path out = Path.of("bench-results");

    /** Pledge on a second cluster of the same cell with TLS 1.3 and client certificates on every link. */
    private static final String PLEDGE_TLS = "pledge-tls";
    /** Pledge on a second cluster of the same cell whose participants are replicated shards, on {@link #REPLICAS} machines. */
    private static final String PLEDGE_REPLICATED = "pledge-replicated";
    static final int REPLICAS = 3;
    /** The coordinator's name in log-counter lines (participants go by their ids). */
    private static final String COORDINATOR_LOG = "coordinator";
    /** The synced writes alone, in this JVM ({@link FloorLoop}). */
    private static final String FLOOR = "floor";
    /** The floor with each store recycling its log files as a participant's store does ({@link WalRecycling}). */
    private static final String FLOOR_RECYCLED = "floor-recycled";
    private static final List<String> SYSTEMS = List.of("pledge", FLOOR, FLOOR_RECYCLED, "narayana", PLEDGE_TLS, PLEDGE_REPLICATED);
    /** Systems that do not run on the cell's shared cluster: the floors, and Pledge on a cluster of its own. */
    private static final List<String> OFF_CLUSTER = List.of(FLOOR, FLOOR_RECYCLED, PLEDGE_TLS, PLEDGE_REPLICATED);
    /**
     * Priming load. At K=1 a fresh node sees a few hundred transactions a second, so C2 is still
     * compiling (a third of all CPU on this machine) 20 s in: a cold cell measures the JIT, not the
     * protocol. Narayana, in this already-warm JVM, would also inherit participants warmed by Pledge.
     */
    static final int PRIME_CONCURRENCY = 32;

    /** Everything this run writes (clusters, floor stores, Narayana's object store); removed at the end. */
    private Path runRoot;
    private TransactionManager narayana;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (quick) {
            participants = List.of(2);
            concurrency = List.of(1, 16);
            warmupS = 2;
            measureS = 5;
            primeS = Math.min(primeS, 3);
        }
        if (full) {
            participants = List.of(1, 2, 3, 5);
            concurrency = List.of(1, 8, 32, 64, 128);
        }
        for (String system : systems) {
            if (!SYSTEMS.contains(system)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "unknown system " + system + "; known: " + SYSTEMS);
            }
        }
        Files.createDirectories(out);
        runRoot = Files.createTempDirectory("pledge-bench-");
        try {
            List<LoadResult> results = new ArrayList<>();
            System.out.println(LoadResult.markdownHeader());
            for (int n : participants) {
                for (int k : concurrency) {
                    for (LoadResult r : runCell(n, k)) {
                        results.add(r);
                        System.out.println(r.toMarkdownRow());
                    }
                }
            }
            String ratios = Ratios.table(results);
            System.out.println();
            System.out.println(ratios);
            write(results, ratios);
            return 0;
        } finally {
            if (narayana != null) Narayana.stop();
            deleteQuietly(runRoot);
        }
    }

    /** Pledge and Narayana share one cluster per cell: the same participant processes, one after the other. */
    private List<LoadResult> runCell(int n, int k) throws Exception {
        List<LoadResult> cell = new ArrayList<>();
        List<String> onCluster = systems.stream()
                .filter(s -> !OFF_CLUSTER.contains(s)).toList();
        if (!onCluster.isEmpty()) cell.addAll(runOnCluster(n, k, onCluster, false, false));
        if (systems.contains(PLEDGE_TLS)) cell.addAll(runOnCluster(n, k, List.of("pledge"), true, false));
        if (systems.contains(PLEDGE_REPLICATED)) cell.addAll(runOnCluster(n, k, List.of("pledge"), false, true));
        if (systems.contains(FLOOR)) cell.add(runFloor(n, k, FLOOR, WalRecycling.OFF));
        if (systems.contains(FLOOR_RECYCLED)) cell.add(runFloor(n, k, FLOOR_RECYCLED, WalRecycling.DEFAULTS));
        return cell;
    }

    private static boolean selectsCollector(String jvmOption) {
        return jvmOption.matches("-XX:\\+Use\\w+GC");
    }

    private List<LoadResult> runOnCluster(int n, int k, List<String> onCluster, boolean tls, boolean replicated) throws Exception {
        Path root = Files.createDirectories(runRoot.resolve("cluster-n" + n + "-k" + k + (tls ? "-tls" : "")
                + (replicated ? "-replicated" : "")));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) ids.add("p" + (i + 1));
        List<String> jvm = new ArrayList<>(LocalCluster.JVM_STEADY);
        // A collector named in --node-jvm replaces the default one: a JVM refuses two.
        if (nodeJvm.stream().anyMatch(BenchMain::selectsCollector)) jvm.removeIf(BenchMain::selectsCollector);
        jvm.addAll(nodeJvm);
        if (quietNodes) jvm.add("-Dlogback.configurationFile=logback-cli.xml");
        if (jfrDir != null) {
            Files.createDirectories(jfrDir);
            jvm.add("-XX:StartFlightRecording=settings=profile,filename=" + jfrDir.toAbsolutePath() + "/,dumponexit=true");
        }
        try (LocalCluster cluster = LocalCluster.kv(root, ids).withJvmOptions(jvm)) {
            if (tls) cluster.withTls();
            if (replicated) cluster.withMachines(REPLICAS);
            cluster.startAll();
            prime(cluster);
            List<LoadResult> cell = new ArrayList<>();
            for (String system : onCluster) {
                if (!system.equals("pledge")) {
                    cell.add(runNarayana(cluster, n, k));
                    continue;
                }
                cell.add(runPledge(cluster, n, k, false, replicated));
                if (async) cell.add(runPledge(cluster, n, k, true, replicated));
            }
            if (jfrDir != null) cluster.stopAll(Duration.ofSeconds(30));
            return cell;
        } finally {
            deleteQuietly(root);
        }
    }

    /** {@code fromOneThread}: K commits in flight from one thread through commitAsync, else K threads committing. */
    private LoadResult runPledge(LocalCluster cluster, int n, int k, boolean fromOneThread, boolean replicated) throws Exception {
        String system = (fromOneThread ? "pledge-async" : "pledge") + (cluster.tls() ? "-tls" : "") + (replicated ? "-replicated" : "");
        RpcClientConfig rpc = cluster.clientConfig(LocalCluster.TLS_CLIENT, RpcClientConfig.defaults());
        List<String> ids = cluster.participantIds();
        List<Endpoint> endpoints = ids.stream().map(cluster::participant).toList();
        // Every node works for a Pledge transaction: the coordinator and the participants.
        List<Long> pids = cluster.nodeNames().stream().map(name -> cluster.node(name).pid()).toList();
        RpcClientConfig admin = cluster.clientConfig(LocalCluster.TLS_OPERATOR, RpcClientConfig.defaults());
        Map<String, Supplier<LogBatches>> logs = new LinkedHashMap<>();
        logs.put(COORDINATOR_LOG, () -> LogBatches.of(COORDINATOR_LOG, cluster.coordinator(), admin));
        // A replicated shard's durable log is its Raft log, which these counters do not cover.
        if (!replicated) for (String id : ids) logs.put(id, () -> LogBatches.of(id, cluster.participant(id), admin));
        WindowCounters window = new WindowCounters(pids, logs);
        String leadersBefore = replicated ? leaders(cluster, admin) : null;
        try (PledgeClient client = PledgeClient.builder().coordinator(cluster.coordinator()).clientName("bench").rpcConfig(rpc).build()) {
            ClosedLoop loop = new ClosedLoop(client, ids, endpoints, k, true);
            ClosedLoop.Measured m = fromOneThread
                    ? loop.runFromOneThread(Duration.ofSeconds(warmupS), Duration.ofSeconds(measureS), window)
                    : loop.run(Duration.ofSeconds(warmupS), Duration.ofSeconds(measureS), window);
            if (m.firstFailure() != null) System.err.println("first failure (" + system + ", N=" + n + ", K=" + k + "): " + m.firstFailure());
            if (m.firstAbort() != null) System.err.println("first abort (" + system + ", N=" + n + ", K=" + k + "): " + m.firstAbort());
            for (LogBatches b : window.logs().values()) System.err.println("  " + system + " N=" + n + " K=" + k + " measured part, " + b);
            long participantFsyncs = replicated ? -1 : window.fsyncs(ids);
            String leaders = null;
            if (replicated) {
                String after = leaders(cluster, admin);
                leaders = after.equals(leadersBefore) ? after : leadersBefore + " then " + after;
                System.err.println("  " + system + " N=" + n + " K=" + k + " shard leaders: " + leaders);
            }
            return measured(system, n, k, m, window.cpuSeconds(), window.fsyncs(List.of(COORDINATOR_LOG)), participantFsyncs,
                    leaders);
        }
    }

    /** Runs the priming load (not measured, not counted) on a fresh cluster. */
    private void prime(LocalCluster cluster) throws Exception {
        if (primeS <= 0) return;
        List<String> ids = cluster.participantIds();
        List<Endpoint> endpoints = ids.stream().map(cluster::participant).toList();
        RpcClientConfig rpc = cluster.clientConfig(LocalCluster.TLS_CLIENT, RpcClientConfig.defaults());
        try (PledgeClient client = PledgeClient.builder().coordinator(cluster.coordinator()).clientName("bench-prime").rpcConfig(rpc).build()) {
            new ClosedLoop(client, ids, endpoints, PRIME_CONCURRENCY, true).run(Duration.ofSeconds(primeS), Duration.ZERO,
                    LoadHarness.Window.NONE);
        }
    }

    private LoadResult runNarayana(LocalCluster cluster, int n, int k) throws Exception {
        if (narayana == null) narayana = Narayana.start(runRoot.resolve("narayana-object-store"));
        Map<String, Endpoint> endpoints = new LinkedHashMap<>();
        for (String id : cluster.participantIds()) endpoints.put(id, cluster.participant(id));
        // The manager runs in this JVM (counted by CpuMeter); the idle Pledge coordinator is not counted.
        List<Long> pids = cluster.participantIds().stream().map(id -> cluster.node(id).pid()).toList();
        try (NarayanaLoop loop = new NarayanaLoop(narayana, endpoints, k)) {
            WindowCounters window = WindowCounters.cpuOnly(pids);
            ClosedLoop.Measured m = loop.run(Duration.ofSeconds(warmupS), Duration.ofSeconds(measureS), window);
            if (m.firstFailure() != null) System.err.println("first failure (narayana, N=" + n + ", K=" + k + "): " + m.firstFailure());
            if (m.firstAbort() != null) System.err.println("first abort (narayana, N=" + n + ", K=" + k + "): " + m.firstAbort());
            return measured("narayana", n, k, m, window.cpuSeconds(), -1, -1, null);
        }
    }

    /** {@code cpuSeconds} and the fsyncs (-1: not known) cover the measured part only. */
    private static LoadResult measured(String system, int n, int k, ClosedLoop.Measured m, double cpuSeconds,
                                       long coordinatorFsyncs, long participantFsyncs, String leaders) {
        return new LoadResult(system, n, k, m.seconds(), m.committed(), m.aborted(), m.failed(), m.commitUs(), m.txUs(),
                cpuSeconds, coordinatorFsyncs, participantFsyncs, leaders);
    }

    /**
     * Which machine leads each participant's shard now, as "p1 m2, p2 m1" (a shard no replica
     * serves shows "none"), by pinging every replica: only a leader names an incarnation.
     */
    private static String leaders(LocalCluster cluster, RpcClientConfig config) {
        List<String> placed = new ArrayList<>();
        try (ClusterProbe probe = new ClusterProbe(config)) {
            for (String id : cluster.participantIds()) placed.add(id + " " + Objects.requireNonNullElse(cluster.leader(id, probe), "none"));
        }
        return String.join(", ", placed);
    }

    private LoadResult runFloor(int n, int k, String system, WalRecycling recycling) throws Exception {
        Path root = Files.createDirectories(runRoot.resolve(system + "-n" + n + "-k" + k));
        try (FloorLoop loop = new FloorLoop(root, n, k, recycling)) {
            WindowCounters window = WindowCounters.cpuOnly(List.of());
            ClosedLoop.Measured m = loop.run(Duration.ofSeconds(warmupS), Duration.ofSeconds(measureS), window);
            return measured(system, n, k, m, window.cpuSeconds(), -1, -1, null);
        } finally {
            deleteQuietly(root);
        }
    }

    private void write(List<LoadResult> results, String ratios) throws Exception {
        StringBuilder json = new StringBuilder("[\n");
        StringBuilder md = new StringBuilder(LoadResult.markdownHeader()).append('\n');
        for (int i = 0; i < results.size(); i++) {
            json.append("  ").append(results.get(i).toJson()).append(i + 1 < results.size() ? ",\n" : "\n");
            md.append(results.get(i).toMarkdownRow()).append('\n');
        }
        json.append("]\n");
        Files.writeString(out.resolve("results.json"), json, StandardCharsets.UTF_8);
        md.append('\n').append(ratios).append('\n');
        StringBuilder placement = new StringBuilder();
        for (LoadResult r : results) {
            if (r.leaders() != null) {
                placement.append("- ").append(r.system()).append(" N=").append(r.participants()).append(" K=")
                        .append(r.concurrency()).append(": ").append(r.leaders()).append('\n');
            }
        }
        if (placement.length() > 0) md.append("\nShard leaders during each replicated cell:\n\n").append(placement);
        Files.writeString(out.resolve("results.md"), md, StandardCharsets.UTF_8);
        System.out.println("wrote " + out.resolve("results.json") + " and " + out.resolve("results.md"));
    }

    private static void deleteQuietly(Path root) {
        if (Boolean.getBoolean("pledge.bench.keep")) {
            System.err.println("kept " + root + " (-Dpledge.bench.keep)");
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            System.err.println("could not remove " + root + ": " + e);
        }
    }

}
