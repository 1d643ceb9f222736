package dev.pledge.demo.launch;

import dev.pledge.demo.client.Topology;
import dev.pledge.rpc.Endpoint;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The demo's processes: the coordinator, student shards A and B, and course node C, on consecutive
 * loopback ports from a base port, and any further coordinators on the ports after them. Their
 * addresses are written to {@code <data-dir>/cluster.properties} so commands like
 * {@code demo enroll} find a running cluster.
 */
public final class DemoCluster {
    public static final String NODE_MAIN = "dev.pledge.demo.node.DemoNodeMain";
    public static final String STUDENT_A = "student-a";
    public static final String STUDENT_B = "student-b";
    public static final String COURSE_C = "course-c";
    private static final String FILE = "cluster.properties";
    /** The key naming the certificate directory, present only when the nodes speak TLS. */
    private static final String CERTS = "tls-certs";
    /** Keys "replicas.1", "replicas.2", ...: each a replicated shard's replicas, comma-separated. */
    private static final String REPLICAS = "replicas.";
    /** Where {@code pledge demo} keeps the cluster unless told otherwise (relative to the working directory). */
    public static final String DATA_DIR_DEFAULT = "pledge-data";

    private DemoCluster() {}

    /** The cluster with one coordinator on ports basePort..basePort+3, or on free ports if {@code basePort} is 0. */
    public static LocalCluster define(Path dataDir, String host, int basePort, Consumer<String> onLine) {
        return define(dataDir, host, basePort, 1, onLine);
    }

    /**
     * The cluster with {@code coordinators} coordinators: the first on basePort, the participants on
     * the next three, the other coordinators after them (basePort+4, ...); free ports if basePort is 0.
     */
    public static LocalCluster define(Path dataDir, String host, int basePort, int coordinators, Consumer<String> onLine) {
        List<Integer> moreCoordinatorPorts = new ArrayList<>();
        if (basePort > 0) {
            checkFree(host, basePort, LocalCluster.COORDINATOR);
            checkFree(host, basePort + 1, STUDENT_A);
            checkFree(host, basePort + 2, STUDENT_B);
            checkFree(host, basePort + 3, COURSE_C);
            for (int n = 2; n <= coordinators; n++) {
                int port = basePort + 2 + n;
                checkFree(host, port, LocalCluster.coordinatorName(n));
                moreCoordinatorPorts.add(port);
            }
        }
        List<LocalCluster.ParticipantSpec> specs = List.of(
                new LocalCluster.ParticipantSpec(STUDENT_A, NODE_MAIN, List.of("--role", "student", "--shard", "0", "--shards", "2")),
                new LocalCluster.ParticipantSpec(STUDENT_B, NODE_MAIN, List.of("--role", "student", "--shard", "1", "--shards", "2")),
                new LocalCluster.ParticipantSpec(COURSE_C, NODE_MAIN, List.of("--role", "course")));
        Map<String, Integer> ports = basePort > 0
                ? Map.of(STUDENT_A, basePort + 1, STUDENT_B, basePort + 2, COURSE_C, basePort + 3)
                : Map.of();
        return new LocalCluster(dataDir, host, basePort, List.of(), specs, ports, onLine)
                .withCoordinators(coordinators, moreCoordinatorPorts);
    }

    public static Topology topology(LocalCluster cluster) {
        return new Topology(cluster.coordinators(), List.of(cluster.participant(STUDENT_A), cluster.participant(STUDENT_B)),
                cluster.participant(COURSE_C));
    }

    /** A clear message instead of a bind error deep in a child's log. */
    private static void checkFree(String host, int port, String node) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " (for " + node + ") on " + host
                    + " is in use: stop what holds it, or pick other ports with --base-port");
        }
    }

    public static void writeFile(Path dataDir, Topology t) {
        writeFile(dataDir, t, null);
    }

    /** As above, for nodes that speak TLS with the certificates in {@code certs} (null: plain TCP). */
    public static void writeFile(Path dataDir, Topology t, Path certs) {
        writeFile(dataDir, t, certs, List.of());
    }

    /** As above, with the replica sets of replicated shards (each a list of replicas' addresses). */
    public static void writeFile(Path dataDir, Topology t, Path certs, List<List<Endpoint>> replicaSets) {
        Properties p = new Properties();
        for (int i = 0; i < replicaSets.size(); i++) {
            p.setProperty(REPLICAS + (i + 1), String.join(",", replicaSets.get(i).stream().map(Endpoint::toString).toList()));
        }
        if (certs != null) p.setProperty(CERTS, certs.toAbsolutePath().toString());
        p.setProperty("coordinator", t.coordinator().toString());
        p.setProperty("coordinators", String.join(",", t.coordinators().stream().map(Endpoint::toString).toList()));
        p.setProperty(STUDENT_A, t.studentShards().get(0).toString());
        p.setProperty(STUDENT_B, t.studentShards().get(1).toString());
        p.setProperty(COURSE_C, t.courses().toString());
        try (Writer w = Files.newBufferedWriter(dataDir.resolve(FILE))) {
            p.store(w, "written by `pledge demo up`; read by the other demo commands");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Topology readFile(Path dataDir) {
        Properties p = properties(dataDir);
        String all = p.getProperty("coordinators", p.getProperty("coordinator"));
        return new Topology(Arrays.stream(all.split(",")).map(String::trim).map(Endpoint::parse).toList(),
                List.of(Endpoint.parse(p.getProperty(STUDENT_A)), Endpoint.parse(p.getProperty(STUDENT_B))),
                Endpoint.parse(p.getProperty(COURSE_C)));
    }

    /** The replica sets of the running cluster's replicated shards; none when it runs each participant as one process. */
    public static List<List<Endpoint>> readReplicaSets(Path dataDir) {
        Properties p = properties(dataDir);
        List<List<Endpoint>> sets = new ArrayList<>();
        for (int i = 1; p.getProperty(REPLICAS + i) != null; i++) {
            sets.add(Arrays.stream(p.getProperty(REPLICAS + i).split(",")).map(String::trim).map(Endpoint::parse).toList());
        }
        return sets;
    }

    /** The certificate directory of the running cluster's TLS, or null if it speaks plain TCP. */
    public static Path readCerts(Path dataDir) {
        String certs = properties(dataDir).getProperty(CERTS);
        return certs == null ? null : Path.of(certs);
    }

    private static Properties properties(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            throw new IllegalStateException("no running demo cluster found (" + file + " is missing): start one with `./pledge demo up`");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public static void removeFile(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(FILE));
        } catch (IOException e) {
            // Stale file: the next command reports the cluster unreachable instead.
        }
    }
}
