package dev.pledge.chaos.cluster;

import com.github.dockerjava.api.DockerClient;
import dev.pledge.chaos.container.JavaNodeContainer;
import dev.pledge.chaos.proxy.FaultPlan;
import dev.pledge.chaos.proxy.FrameProxy;
import dev.pledge.demo.certs.CertsCommand;
import dev.pledge.demo.client.Topology;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.tls.TlsConfig;
import dev.pledge.tls.TlsFiles;
import dev.pledge.tls.TlsSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The enrollment demo cluster, one container per node on its own user-defined Docker network:
 * coordinator, student shards A and B, course node C, each with its RocksDB directory bind-mounted
 * so it survives SIGKILL. Nodes find each other by network alias. The test JVM reaches each node
 * through a local front door ({@link FrameProxy} without faults) whose target is the node's current
 * mapped port, re-read after every restart or reconnect, so clients keep one stable address.
 *
 * <p>With TLS, {@code pledge certs} makes a CA and certificates under the test's root, mounted
 * read-only into every container; each node serves and dials TLS 1.3 with its own certificate, and
 * the test's callers present theirs ({@link #clientConfig}). The doors pass TLS records through
 * unparsed, as they pass any stream that does not look like Thrift frames.
 */
final class EnrollmentContainers implements ChaosCluster, AutoCloseable {
    static final String COORDINATOR = "coordinator";
    static final String STUDENT_A = "student-a";
    static final String STUDENT_B = "student-b";
    static final String COURSE_C = "course-c";
    static final List<String> PARTICIPANTS = List.of(STUDENT_A, STUDENT_B, COURSE_C);
    static final List<String> NODES = List.of(COORDINATOR, STUDENT_A, STUDENT_B, COURSE_C);
    static final String COORDINATOR_ID = "coord-1";
    /** The certificates of the test's callers: the workload's application and the operator who reads admin state. */
    static final String CLIENT = "app";
    static final String OPERATOR = "operator";
    /** Where each container sees the certificate directory. */
    private static final String CERTS_INSIDE = "/certs";
    private static final Pattern READY = Pattern.compile("listening on");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final DockerClient docker;
    private final String network;
    private final Path root;
    /** The host's certificate directory, or null for plain TCP. */
    private final Path certs;
    private final Map<String, JavaNodeContainer> nodes = new LinkedHashMap<>();
    private final Map<String, Integer> mappedPorts = new ConcurrentHashMap<>();
    private final Map<String, FrameProxy> doors = new LinkedHashMap<>();

    private EnrollmentContainers(DockerClient docker, String network, Path root, Path certs) {
        this.docker = docker;
        this.network = network;
        this.root = root;
        this.certs = certs;
    }

    /** Starts every node, speaking TLS with certificates on every link when {@code tls}. */
    static EnrollmentContainers start(DockerClient docker, Path root, boolean tls) throws IOException {
        Path certs = null;
        if (tls) {
            certs = root.resolve("certs");
            CertsCommand.make(certs, List.of(COORDINATOR_ID), PARTICIPANTS, List.of(OPERATOR), List.of(CLIENT));
        }
        String network = "pledge-chaos-" + Long.toHexString(System.nanoTime());
        docker.createNetworkCmd().withName(network).withDriver("bridge").exec();
        EnrollmentContainers cluster = new EnrollmentContainers(docker, network, root, certs);
        try {
            cluster.startAll();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private void startAll() {
        for (String name : NODES) {
            nodes.put(name, JavaNodeContainer.start(docker, network, name, dataDir(name), root.resolve(name + ".log"),
                    mainClass(name), args(name), certs == null ? Map.of() : Map.of(certs, CERTS_INSIDE)));
        }
        for (String name : NODES) {
            nodes.get(name).awaitLine(READY, START_TIMEOUT);
            refreshPort(name);
            try {
                doors.put(name, FrameProxy.start(name + "-door",
                        () -> new InetSocketAddress("127.0.0.1", mappedPorts.get(name)), FaultPlan.none()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String mainClass(String name) {
        return name.equals(COORDINATOR) ? "dev.pledge.coordinator.runtime.CoordinatorMain" : "dev.pledge.demo.node.DemoNodeMain";
    }

    private List<String> args(String name) {
        String listen = "0.0.0.0:" + JavaNodeContainer.PORT;
        List<String> args = new ArrayList<>();
        if (certs != null) {
            args.addAll(TlsSettings.flags(TlsFiles.inDirectory(Path.of(CERTS_INSIDE), name.equals(COORDINATOR) ? COORDINATOR_ID : name)));
        }
        if (name.equals(COORDINATOR)) {
            args.addAll(List.of("--node-id", COORDINATOR_ID, "--listen", listen, "--data-dir", JavaNodeContainer.DATA_DIR));
            for (String p : PARTICIPANTS) args.addAll(List.of("--participant", p + "=" + p + ":" + JavaNodeContainer.PORT));
            return args;
        }
        args.addAll(List.of("--id", name, "--listen", listen, "--data-dir", JavaNodeContainer.DATA_DIR,
                "--coordinator", COORDINATOR + ":" + JavaNodeContainer.PORT, "--coordinator-id", COORDINATOR_ID));
        switch (name) {
            case STUDENT_A -> args.addAll(List.of("--role", "student", "--shard", "0", "--shards", "2"));
            case STUDENT_B -> args.addAll(List.of("--role", "student", "--shard", "1", "--shards", "2"));
            default -> args.addAll(List.of("--role", "course"));
        }
        for (String peer : PARTICIPANTS) {
            if (!peer.equals(name)) args.addAll(List.of("--peer", peer + "=" + peer + ":" + JavaNodeContainer.PORT));
        }
        return args;
    }

    private Path dataDir(String name) {
        try {
            return Files.createDirectories(root.resolve("data").resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the nodes speak TLS. */
    boolean tls() {
        return certs != null;
    }

    /** {@code base} as a caller of this cluster uses it: with TLS, presenting {@code name}'s certificate. */
    @Override
    public RpcClientConfig clientConfig(String name, RpcClientConfig base) {
        if (certs == null) return base;
        return base.withTls(TlsConfig.load(TlsFiles.inDirectory(certs, name), Clock.systemUTC()).rpc());
    }

    /** Re-reads where Docker maps the node's port now; call after a restart or reconnect. */
    void refreshPort(String name) {
        mappedPorts.put(name, nodes.get(name).mappedPort());
    }

    /** Starts a killed node again on its data and waits until it serves. */
    void restart(String name) {
        JavaNodeContainer node = nodes.get(name);
        node.restart();
        node.awaitLine(READY, START_TIMEOUT);
        refreshPort(name);
        // Connections through the door still point at the old port; cut them so clients reconnect.
        doors.get(name).dropConnections();
    }

    /** After a reconnect: Docker maps the port anew, and old connections through the door lead nowhere. */
    void reattached(String name) {
        refreshPort(name);
        doors.get(name).dropConnections();
    }

    JavaNodeContainer node(String name) {
        return nodes.get(name);
    }

    String network() {
        return network;
    }

    /** The node's IP on the cluster network now. */
    String ip(String name) {
        String ip = nodes.get(name).ipAddress(network);
        if (ip == null) throw new IllegalStateException(name + " is not attached to " + network);
        return ip;
    }

    Endpoint door(String name) {
        return doors.get(name).endpoint();
    }

    /** Each participant through its door. */
    @Override
    public Map<String, List<Endpoint>> participantEndpoints() {
        Map<String, List<Endpoint>> out = new LinkedHashMap<>();
        for (String p : PARTICIPANTS) out.put(p, List.of(door(p)));
        return out;
    }

    @Override
    public String coordinatorId() {
        return COORDINATOR_ID;
    }

    @Override
    public Topology topology() {
        return new Topology(door(COORDINATOR), List.of(door(STUDENT_A), door(STUDENT_B)), door(COURSE_C));
    }

    String output(String name) {
        return nodes.get(name).output();
    }

    /** Injects {@code f} and returns what undoes it. */
    @Override
    public Runnable inject(Fault f) {
        String victim = f.nodes().get(0);
        JavaNodeContainer node = node(victim);
        return switch (f.kind()) {
            case KILL -> {
                node.kill();
                yield () -> restart(victim);
            }
            case PAUSE -> {
                node.pause();
                yield node::unpause;
            }
            case ISOLATE -> {
                node.disconnect(network);
                yield () -> {
                    node.connect(network);
                    reattached(victim);
                };
            }
            case CUT_COORDINATOR_FROM_PARTICIPANT -> cut(List.of(List.of(f.nodes().get(0), f.nodes().get(1))));
            case CUT_PARTICIPANTS -> cut(List.of(List.of(f.nodes().get(0), f.nodes().get(1)),
                    List.of(f.nodes().get(1), f.nodes().get(2)), List.of(f.nodes().get(0), f.nodes().get(2))));
            case CUT_COORDINATOR_AND_PEER -> cut(List.of(List.of(f.nodes().get(0), f.nodes().get(1)),
                    List.of(f.nodes().get(1), f.nodes().get(2))));
            case PACKET_LOSS -> {
                List<String> rule = Iptables.randomLoss(f.lossProbability());
                Iptables.insert(node, rule);
                yield () -> Iptables.delete(node, rule);
            }
            case WIPE -> throw new IllegalArgumentException("a container's participant has one disk: it is never wiped");
        };
    }

    /** DROPs each pair's traffic both ways, at both ends' INPUT. */
    private Runnable cut(List<List<String>> pairs) {
        record Rule(JavaNodeContainer at, List<String> spec) {}
        List<Rule> rules = new ArrayList<>();
        for (List<String> pair : pairs) {
            rules.add(new Rule(node(pair.get(0)), Iptables.dropFrom(ip(pair.get(1)))));
            rules.add(new Rule(node(pair.get(1)), Iptables.dropFrom(ip(pair.get(0)))));
        }
        for (Rule r : rules) Iptables.insert(r.at(), r.spec());
        return () -> rules.forEach(r -> Iptables.delete(r.at(), r.spec()));
    }

    @Override
    public void close() {
        doors.values().forEach(FrameProxy::close);
        nodes.values().forEach(JavaNodeContainer::close);
        try {
            docker.removeNetworkCmd(network).exec();
        } catch (RuntimeException e) {
            // Already gone, or a container still detaching; nothing else uses the name.
        }
    }
}
