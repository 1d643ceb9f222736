package dev.pledge.bench;

import dev.pledge.client.PledgeClient;
import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.rpc.Endpoint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The Pledge benchmark: a coordinator and N key-value participants as separate processes on
 * loopback, a closed-loop load of K concurrent transactions, each writing one key at every
 * participant with synced logs. Prints a markdown table and writes it with JSON under --out.
 */
@Command(name = "pledge-bench", mixinStandardHelpOptions = true,
        description = "Throughput and commit latency of Pledge on this machine.")
public final class BenchMain implements Callable<Integer> {
    @Option(names = "--participants", split = ",", description = "participant counts N (default: ${DEFAULT-VALUE})")
    List<Integer> participants = List.of(2);

    @Option(names = "--concurrency", split = ",", description = "transactions in flight K (default: ${DEFAULT-VALUE})")
    List<Integer> concurrency = List.of(1, 16);

    @Option(names = "--warmup-s", description = "warm-up seconds per cell (default: ${DEFAULT-VALUE})")
    int warmupS = 3;

    @Option(names = "--measure-s", description = "measured seconds per cell (default: ${DEFAULT-VALUE})")
    int measureS = 10;

    @Option(names = "--quick", description = "N=2, K=1,16, 2 s warm-up, 5 s measured: a spot check in under a minute")
    boolean quick;

    @Option(names = "--full", description = "the full matrix: N=1,2,3,5 x K=1,8,32,64,128")
    boolean full;

    @Option(names = "--systems", split = ",", description = "what to measure: pledge, floor (default: ${DEFAULT-VALUE})")
    List<String> systems = List.of("pledge", "floor");

    @Option(names = "--jfr", description = "record every node with Java Flight Recorder into this directory")
    Path jfrDir;

    @Option(names = "--quiet-nodes", description = "nodes log warnings only (measures what per-transition logging costs)")
    boolean quietNodes;

    @Option(names = "--out", description = "directory for results.json and results.md (default: ${DEFAULT-VALUE})")
    Path out = Path.of("bench-results");

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
        }
        if (full) {
            participants = List.of(1, 2, 3, 5);
            concurrency = List.of(1, 8, 32, 64, 128);
        }
        Files.createDirectories(out);
        List<LoadResult> results = new ArrayList<>();
        System.out.println(LoadResult.markdownHeader());
        for (int n : participants) {
            for (int k : concurrency) {
                for (String system : systems) {
                    LoadResult r = switch (system) {
                        case "pledge" -> runPledge(n, k);
                        case "floor" -> runFloor(n, k);
                        default -> throw new CommandLine.ParameterException(new CommandLine(this), "unknown system " + system);
                    };
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
    }

    private LoadResult runPledge(int n, int k) throws Exception {
        Path root = Files.createTempDirectory("pledge-bench-");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) ids.add("p" + (i + 1));
        List<String> jvm = new ArrayList<>(LocalCluster.JVM_STEADY);
        if (quietNodes) jvm.add("-Dlogback.configurationFile=logback-cli.xml");
        if (jfrDir != null) {
            Files.createDirectories(jfrDir);
            jvm.add("-XX:StartFlightRecording=settings=profile,filename=" + jfrDir.toAbsolutePath() + "/,dumponexit=true");
        }
        try (LocalCluster cluster = LocalCluster.kv(root, ids).withJvmOptions(jvm)) {
            cluster.startAll();
            List<Endpoint> endpoints = ids.stream().map(cluster::participant).toList();
            List<Long> pids = cluster.nodeNames().stream().map(name -> cluster.node(name).pid()).toList();
            try (PledgeClient client = PledgeClient.builder().coordinator(cluster.coordinator()).clientName("bench").build()) {
                ClosedLoop loop = new ClosedLoop(client, endpoints, k);
                double cpu0 = CpuMeter.cpuSeconds(pids);
                ClosedLoop.Measured m = loop.run(Duration.ofSeconds(warmupS), Duration.ofSeconds(measureS));
                double cpu = CpuMeter.cpuSeconds(pids) - cpu0;
                if (m.firstFailure() != null) System.err.println("first failure (N=" + n + ", K=" + k + "): " + m.firstFailure());
                System.err.println("  N=" + n + " K=" + k + " " + LogBatches.of("coordinator", cluster.coordinator()));
                for (String id : ids) System.err.println("  N=" + n + " K=" + k + " " + LogBatches.of(id, cluster.participant(id)));
                // CPU covers warm-up too; scale it to the measured share of the run.
                double measuredShare = m.seconds() / (m.seconds() + warmupS);
                if (jfrDir != null) cluster.stopAll(Duration.ofSeconds(30));
                return new LoadResult("pledge", n, k, m.seconds(), m.committed(), m.aborted(), m.failed(), m.commitUs(),
                        m.txUs(), cpu * measuredShare);
            }
        } finally {
            deleteQuietly(root);
        }
    }

    private LoadResult runFloor(int n, int k) throws Exception {
        Path root = Files.createTempDirectory("pledge-floor-");
        try (FloorLoop loop = new FloorLoop(root, n, k)) {
            double cpu0 = CpuMeter.cpuSeconds(List.of());
            ClosedLoop.Measured m = loop.run(Duration.ofSeconds(warmupS), Duration.ofSeconds(measureS));
            double cpu = (CpuMeter.cpuSeconds(List.of()) - cpu0) * m.seconds() / (m.seconds() + warmupS);
            return new LoadResult("floor", n, k, m.seconds(), m.committed(), 0, 0, m.commitUs(), m.txUs(), cpu);
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
