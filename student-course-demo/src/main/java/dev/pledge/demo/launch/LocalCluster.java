package dev.pledge.demo.launch;

import dev.pledge.auth.OperatorToken;
import dev.pledge.demo.certs.CertsCommand;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.tls.TlsConfig;
import dev.pledge.tls.TlsFiles;
import dev.pledge.tls.TlsSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Coordinators (one, or several running at once) and their participants on loopback, each its own
 * OS process with its own RocksDB directory under {@code root}. Ports are fixed when the cluster is
 * defined, so a node restarted after SIGKILL comes back at the address the others know it by.
 */
public final class LocalCluster implements ProcessCluster {
    public static final String COORDINATOR = "coordinator";
    public static final String COORDINATOR_MAIN = "dev.pledge.coordinator.runtime.CoordinatorMain";
    public static final String KV_PARTICIPANT_MAIN = "dev.pledge.participant.ParticipantMain";
    /** A machine of key-value shards: one Raft server hosting a replica of each ({@link #withMachines}). */
    public static final String KV_MACHINE_MAIN = "dev.pledge.participant.ParticipantMachineMain";
    public static final String COORDINATOR_ID = "coord-1";
    /** Most coordinators of one cluster. */
    public static final int COORDINATORS_MAX = 9;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Small, quick-starting JVMs (C1 only): for tests, where start-up dominates and CPU is shared. */
    public static final List<String> JVM_FAST_START = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    /** Full JIT, for measurements and long runs. */
    public static final List<String> JVM_STEADY = List.of("-Xmx1g", "-XX:+UseParallelGC");
    /** The certificate names {@link #withTls} makes for an application and an operator. */
    public static final String TLS_CLIENT = "app";
    public static final String TLS_OPERATOR = "operator";
    /** The certificate directory {@link #withTls} makes, under the cluster's root. */
    public static final String CERTS_DIR = "certs";

    /** The file in {@code root} holding the cluster's operator token, which Admin.resolve must present. */
    public static final String OPERATOR_TOKEN_FILE = "operator.token";

    /** How to start one participant: its main class and any arguments beyond the common ones. */
    public record ParticipantSpec(String id, String mainClass, List<String> extraArgs) {}

    /** One replica of a replicated participant: where its Raft server listens, and where its node serves Thrift. */
    public record Replica(Endpoint raft, Endpoint rpc) {}

    private final Path root;
    private final String classPath;
    private final String host;
    /** The first is {@link #COORDINATOR} (node id {@link #COORDINATOR_ID}); the n-th is "coordinator-n" ("coord-n"). */
    private final List<Endpoint> coordinators = new ArrayList<>();
    private final List<String> coordinatorExtraArgs;
    private final Map<String, ParticipantSpec> specs = new LinkedHashMap<>();
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final Map<String, NodeProcess> running = Collections.synchronizedMap(new LinkedHashMap<>());
    /** Replicated participants: participant id to its replicas by process name ("C-r1", ...). */
    private final Map<String, Map<String, Replica>> replicated = new LinkedHashMap<>();
    /** Replicas started at least once: only a replica's first start may bootstrap its group (ShardJoin's empty-disk rule). */
    private final Set<String> startedReplicas = ConcurrentHashMap.newKeySet();
    /** Machines ({@link #withMachines}): machine id ("m1", ...) to where its one Raft server listens. */
    private final Map<String, Endpoint> machines = new LinkedHashMap<>();
    private final Consumer<String> onLine;
    private volatile List<String> jvmOptions = JVM_FAST_START;
    private volatile Function<String, List<String>> launcher = name -> List.of();
    private volatile Path tlsDir;

    public LocalCluster(Path root, String host, int coordinatorPort, List<String> coordinatorExtraArgs,
                        List<ParticipantSpec> participants, Map<String, Integer> participantPorts, Consumer<String> onLine) {
        this.root = root;
        this.classPath = NodeProcess.ownClassPath();
        this.host = host;
        coordinators.add(new Endpoint(host, coordinatorPort > 0 ? coordinatorPort : freePort(host)));
        this.coordinatorExtraArgs = List.copyOf(coordinatorExtraArgs);
        this.onLine = onLine;
        for (ParticipantSpec p : participants) {
            specs.put(p.id(), p);
            int port = participantPorts.getOrDefault(p.id(), 0);
            endpoints.put(p.id(), new Endpoint(host, port > 0 ? port : freePort(host)));
        }
    }

    /** Generic key-value participants with the given ids, on free loopback ports. */
    public static LocalCluster kv(Path root, List<String> participantIds) {
        List<ParticipantSpec> specs = participantIds.stream()
                .map(id -> new ParticipantSpec(id, KV_PARTICIPANT_MAIN, List.of())).toList();
        return new LocalCluster(root, "127.0.0.1", 0, List.of(), specs, Map.of(), null);
    }

    /** JVM options of nodes started from now on (default {@link #JVM_FAST_START}). */
    public LocalCluster withJvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
        return this;
    }

    /**
     * Runs {@code count} coordinators in all (distinct node ids coord-1..coord-N), the ones beyond
     * the first on {@code ports} in order, or on free ports where none is given. Call before any node starts.
     */
    public LocalCluster withCoordinators(int count, List<Integer> ports) {
        if (count < 1 || count > COORDINATORS_MAX) {
            throw new IllegalArgumentException("coordinators must be in [1, " + COORDINATORS_MAX + "], was " + count);
        }
        if (!running.isEmpty()) throw new IllegalStateException("define the coordinators before starting nodes");
        while (coordinators.size() > 1) coordinators.remove(coordinators.size() - 1);
        for (int i = 1; i < count; i++) {
            int port = i - 1 < ports.size() ? ports.get(i - 1) : 0;
            coordinators.add(new Endpoint(host, port > 0 ? port : freePort(host)));
        }
        return this;
    }

    /**
     * TLS on every link: makes a CA and certificates in {@code root/certs} for every node and
     * machine, a client ({@link #TLS_CLIENT}) and an operator ({@link #TLS_OPERATOR}), and starts
     * each node with its own (a machine's Raft server with the machine's, each of its shards' Thrift
     * server with the shard's). Call after {@link #withCoordinators} and before any node starts.
     */
    public LocalCluster withTls() throws IOException {
        if (!running.isEmpty()) throw new IllegalStateException("turn TLS on before starting nodes");
        tlsDir = root.resolve(CERTS_DIR);
        List<String> coordinatorIds = new ArrayList<>();
        for (int n = 1; n <= coordinators.size(); n++) coordinatorIds.add(coordinatorId(n));
        List<String> participants = new ArrayList<>(specs.keySet());
        participants.addAll(machines.keySet());
        CertsCommand.make(tlsDir, coordinatorIds, participants, List.of(TLS_OPERATOR), List.of(TLS_CLIENT));
        return this;
    }

    /** Whether the nodes speak TLS. */
    public boolean tls() {
        return tlsDir != null;
    }

    /** The certificate directory, or null when the nodes speak plain TCP. */
    public Path certsDir() {
        return tlsDir;
    }

    /**
     * {@code base} as a caller of this cluster uses it: with TLS on, presenting the certificate of
     * {@code name} ({@link #TLS_CLIENT}, {@link #TLS_OPERATOR}, or a node id).
     */
    @Override
    public RpcClientConfig clientConfig(String name, RpcClientConfig base) {
        return clientConfig(tlsDir, name, base);
    }

    /** {@code base} presenting certificate {@code name} from {@code certsDir}; {@code base} itself when that is null (plain TCP). */
    static RpcClientConfig clientConfig(Path certsDir, String name, RpcClientConfig base) {
        if (certsDir == null) return base;
        return base.withTls(TlsConfig.load(TlsFiles.inDirectory(certsDir, name), java.time.Clock.systemUTC()).rpc());
    }

    private List<String> tlsArgs(String nodeId) {
        if (tlsDir == null) return List.of();
        return TlsSettings.flags(TlsFiles.inDirectory(tlsDir, nodeId));
    }

    /** The first coordinator. */
    public Endpoint coordinator() {
        return coordinators.get(0);
    }

    /** Every coordinator, the first first. */
    public List<Endpoint> coordinators() {
        return List.copyOf(coordinators);
    }

    /** The process name of the n-th coordinator (1-based): "coordinator", "coordinator-2", ... */
    public static String coordinatorName(int n) {
        return n == 1 ? COORDINATOR : COORDINATOR + "-" + n;
    }

    /** The node id of the n-th coordinator (1-based): "coord-1", "coord-2", ... */
    public static String coordinatorId(int n) {
        return "coord-" + n;
    }

    /** The 1-based number of coordinator {@code name}, or 0 if it names no coordinator. */
    private int coordinatorNumber(String name) {
        for (int n = 1; n <= coordinators.size(); n++) if (coordinatorName(n).equals(name)) return n;
        return 0;
    }

    /**
     * Runs participant {@code id} as a replicated shard of {@code count} processes, named
     * "{@code id}-r1" and on, each a replica on free ports; the coordinator lists them all. Before
     * it starts.
     */
    public LocalCluster withReplicas(String id, int count) {
        if (!specs.containsKey(id)) throw new IllegalArgumentException("no participant " + id);
        Map<String, Replica> replicas = new LinkedHashMap<>();
        for (int n = 1; n <= count; n++) {
            replicas.put(id + "-r" + n, new Replica(new Endpoint(host, freePort(host)), new Endpoint(host, freePort(host))));
        }
        replicated.put(id, replicas);
        endpoints.put(id, replicas.values().iterator().next().rpc());
        return this;
    }

    /**
     * Runs every participant as a replicated shard over {@code count} machine processes, "m1" and on:
     * each machine is one Raft server hosting a replica of every participant (a division per shard),
     * each replica serving Thrift on its own free port, as the replicated demo's machines do; the
     * coordinators keep their own processes. Key-value participants only; before any node starts.
     * With {@link #withTls} (before or after this), machines speak Raft over TLS with their own certificates.
     */
    public LocalCluster withMachines(int count) {
        if (count < 1) throw new IllegalArgumentException("machines must be >= 1, was " + count);
        if (!running.isEmpty() || !replicated.isEmpty()) throw new IllegalStateException("define machines before starting nodes, instead of replicas");
        specs.values().forEach(spec -> {
            if (!spec.mainClass().equals(KV_PARTICIPANT_MAIN) || !spec.extraArgs().isEmpty()) {
                throw new IllegalArgumentException("a machine hosts key-value shards only, not " + spec);
            }
        });
        for (int n = 1; n <= count; n++) machines.put("m" + n, new Endpoint(host, freePort(host)));
        if (tlsDir != null) {
            try {
                CertsCommand.make(tlsDir, List.of(), List.copyOf(machines.keySet()), List.of(), List.of());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make the machines' certificates in " + tlsDir, e);
            }
        }
        for (String id : specs.keySet()) {
            Map<String, Replica> replicas = new LinkedHashMap<>();
            machines.forEach((m, raft) -> replicas.put(m, new Replica(raft, new Endpoint(host, freePort(host)))));
            replicated.put(id, replicas);
            endpoints.put(id, replicas.values().iterator().next().rpc());
        }
        return this;
    }

    /**
     * Starts (or restarts) machine {@code name}: every shard's flags go in a file beside its data
     * directory, one flag per line, which the machine reads. Only its first start may found the groups.
     */
    private NodeProcess startMachine(String name) {
        boolean first = startedReplicas.add(name);
        Path machineDir = dir(name);
        List<String> args = new ArrayList<>(List.of("--machine-id", name, "--data-dir", machineDir.toString()));
        for (String id : specs.keySet()) {
            List<String> shard = new ArrayList<>(participantArgs(id, replicated.get(id).get(name).rpc(), machineDir.resolve(id)));
            shard.addAll(List.of("--replica-id", name, "--replica-bootstrap", String.valueOf(first)));
            replicated.get(id).forEach((m, at) -> shard.addAll(List.of("--replica", m + "=" + at.raft() + "/" + at.rpc())));
            Path flags = root.resolve(name + "-" + id + ".flags");
            try {
                Files.write(flags, shard);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + flags, e);
            }
            args.addAll(List.of("--shard", flags.toString()));
        }
        args.addAll(tlsArgs(name));
        return start(name, KV_MACHINE_MAIN, new String[0], args);
    }

    /** Every replica's Thrift address of replicated participant {@code id}: its replica set, for a client. */
    public List<Endpoint> replicaEndpoints(String id) {
        Map<String, Replica> replicas = replicated.get(id);
        if (replicas == null) throw new IllegalArgumentException(id + " is not replicated");
        return replicas.values().stream().map(Replica::rpc).toList();
    }

    /** The process names of replicated participant {@code id}'s replicas. */
    public List<String> replicaNames(String id) {
        Map<String, Replica> replicas = replicated.get(id);
        if (replicas == null) throw new IllegalArgumentException(id + " is not replicated");
        return List.copyOf(replicas.keySet());
    }

    /**
     * The machine leading replicated participant {@code id} now, by pinging every replica (only a
     * leader names an incarnation, as in {@link MachineCluster#leaders}); null if none answers as leader.
     */
    public String leader(String id, ClusterProbe probe) {
        Map<String, Replica> replicas = replicated.get(id);
        if (replicas == null) throw new IllegalArgumentException(id + " is not replicated");
        String leader = null;
        for (Map.Entry<String, Replica> r : replicas.entrySet()) {
            try {
                if (ClusterProbe.leads(probe.pingParticipant(r.getValue().rpc()))) leader = r.getKey();
            } catch (Exception notAnswering) {
                // down, starting, or cut off: not the leader as far as anyone can tell
            }
        }
        return leader;
    }

    /**
     * Runs each node's java command behind {@code launcher.apply(nodeName)}, a program that execs it in
     * the same process (the pid stays the node's): e.g. {@code setpriv --regid N --clear-groups} gives
     * a node its own group id, which loopback iptables rules can match (-m owner --gid-owner).
     */
    public LocalCluster withLauncher(Function<String, List<String>> launcher) {
        this.launcher = launcher;
        return this;
    }

    /** Where machine {@code name} ({@link #withMachines}) serves Raft. */
    public Endpoint machineRaftEndpoint(String name) {
        Endpoint raft = machines.get(name);
        if (raft == null) throw new IllegalArgumentException("no machine " + name + " (machines: " + machines.keySet() + ")");
        return raft;
    }

    /** Where replica process {@code name} serves Raft. */
    public Endpoint raftEndpoint(String name) {
        String id = replicaOf(name);
        if (id == null) throw new IllegalArgumentException("no replica " + name);
        return replicated.get(id).get(name).raft();
    }

    /** The participant a replica process serves, or null if {@code name} names no replica. */
    private String replicaOf(String name) {
        for (Map.Entry<String, Map<String, Replica>> e : replicated.entrySet()) if (e.getValue().containsKey(name)) return e.getKey();
        return null;
    }

    public Endpoint participant(String id) {
        Endpoint e = endpoints.get(id);
        if (e == null) throw new IllegalArgumentException("no participant " + id + " (have " + endpoints.keySet() + ")");
        return e;
    }

    public List<String> participantIds() {
        return List.copyOf(specs.keySet());
    }

    public Path root() {
        return root;
    }

    /** The operator token file every participant checks resolve against; a random token is made on first use and kept. */
    public synchronized Path operatorTokenFile() {
        Path file = root.resolve(OPERATOR_TOKEN_FILE);
        try {
            if (!Files.exists(file)) OperatorToken.generate(Files.createDirectories(root).resolve(OPERATOR_TOKEN_FILE), new SecureRandom());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the operator token " + file, e);
        }
        return file;
    }

    /** Starts (or restarts) the first coordinator; {@code failpoints} like "coordinator.commit.written=block". */
    public NodeProcess startCoordinator(String... failpoints) {
        return startCoordinator(1, failpoints);
    }

    /** Starts (or restarts) the n-th coordinator (1-based). */
    public NodeProcess startCoordinator(int n, String... failpoints) {
        if (n < 1 || n > coordinators.size()) throw new IllegalArgumentException("no coordinator " + n);
        String name = coordinatorName(n);
        List<String> args = new ArrayList<>(List.of(
                "--node-id", coordinatorId(n),
                "--listen", coordinators.get(n - 1).toString(),
                "--data-dir", dir(name).toString()));
        endpoints.forEach((id, ep) -> args.addAll(List.of("--participant", id + "=" + registered(id))));
        args.addAll(metricsArgs());
        args.addAll(tlsArgs(coordinatorId(n)));
        args.addAll(coordinatorExtraArgs);
        return start(name, COORDINATOR_MAIN, failpoints, args);
    }

    /** What the coordinator's registry says of participant {@code id}: its address, or every replica's. */
    private String registered(String id) {
        Map<String, Replica> replicas = replicated.get(id);
        if (replicas == null) return endpoints.get(id).toString();
        return String.join(",", replicas.values().stream().map(r -> r.rpc().toString()).toList());
    }

    /** Starts (or restarts) participant {@code id}; a replicated one, every replica process of it. */
    public NodeProcess startParticipant(String id, String... failpoints) {
        if (!machines.isEmpty()) throw new IllegalStateException("participant " + id + " runs on machines " + machines.keySet() + ": start a machine");
        Map<String, Replica> replicas = replicated.get(id);
        if (replicas == null) return startParticipant(id, id, endpoints.get(id), List.of(), failpoints);
        NodeProcess last = null;
        for (String name : replicas.keySet()) last = startReplica(name, failpoints);
        return last;
    }

    /** Starts (or restarts) one replica process of a replicated participant, by its process name. */
    public NodeProcess startReplica(String name, String... failpoints) {
        if (!machines.isEmpty()) throw new IllegalStateException("replicas run on machines " + machines.keySet() + ": start a machine");
        String id = replicaOf(name);
        if (id == null) throw new IllegalArgumentException("no replica " + name);
        List<String> replicaArgs = new ArrayList<>(List.of("--replica-id", name,
                "--replica-bootstrap", String.valueOf(startedReplicas.add(name))));
        replicated.get(id).forEach((r, at) -> replicaArgs.addAll(List.of("--replica", r + "=" + at.raft() + "/" + at.rpc())));
        return startParticipant(id, name, replicated.get(id).get(name).rpc(), replicaArgs, failpoints);
    }

    private NodeProcess startParticipant(String id, String name, Endpoint listen, List<String> replicaArgs, String[] failpoints) {
        ParticipantSpec spec = specs.get(id);
        if (spec == null) throw new IllegalArgumentException("no participant " + id);
        List<String> args = participantArgs(id, listen, dir(name));
        args.addAll(replicaArgs);
        args.addAll(spec.extraArgs());
        return start(name, spec.mainClass(), failpoints, args);
    }

    /** Participant {@code id}'s flags, but for replication and its main's own. */
    private List<String> participantArgs(String id, Endpoint listen, Path dataDir) {
        List<String> args = new ArrayList<>(List.of(
                "--id", id,
                "--listen", listen.toString(),
                "--data-dir", dataDir.toString(),
                "--coordinator", coordinator().toString(),
                "--coordinator-id", COORDINATOR_ID));
        for (int n = 2; n <= coordinators.size(); n++) {
            args.addAll(List.of("--coordinators", coordinatorId(n) + "=" + coordinators.get(n - 1)));
        }
        // Peers, for cooperative termination while the coordinator is away.
        endpoints.forEach((peer, ep) -> {
            if (!peer.equals(id)) args.addAll(List.of("--peer", peer + "=" + ep));
        });
        args.addAll(metricsArgs());
        args.addAll(List.of("--operator-token-file", operatorTokenFile().toString()));
        args.addAll(tlsArgs(id));
        return args;
    }

    /** Every node serves /metrics and /health on a free port; it prints "metrics on http://host:port/metrics". */
    private List<String> metricsArgs() {
        return List.of("--metrics", host + ":0");
    }

    @Override
    public void startAll() {
        for (int n = 1; n <= coordinators.size(); n++) startCoordinator(n);
        if (machines.isEmpty()) {
            specs.keySet().forEach(this::startParticipant);
            return;
        }
        // Together: on a first start each machine waits for every other one to answer before it listens.
        List<CompletableFuture<NodeProcess>> starting = new ArrayList<>();
        for (String name : machines.keySet()) {
            starting.add(CompletableFuture.supplyAsync(() -> startMachine(name), command -> new Thread(command, "start-" + name).start()));
        }
        CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
    }

    /** Starts (or restarts) any node by name: a coordinator's ({@link #coordinatorName}) or a participant id. */
    @Override
    public NodeProcess start(String name) {
        int n = coordinatorNumber(name);
        if (n > 0) return startCoordinator(n);
        if (machines.containsKey(name)) return startMachine(name);
        return replicaOf(name) != null ? startReplica(name) : startParticipant(name);
    }

    /** Whether {@code name} is one of this cluster's coordinators. */
    @Override
    public boolean isCoordinator(String name) {
        return coordinatorNumber(name) > 0;
    }

    /** The address of node {@code name}: a coordinator's or a participant's. */
    @Override
    public Endpoint endpoint(String name) {
        int n = coordinatorNumber(name);
        if (n > 0) return coordinators.get(n - 1);
        String replicaOf = replicaOf(name);
        return replicaOf != null ? replicated.get(replicaOf).get(name).rpc() : participant(name);
    }

    @Override
    public NodeProcess node(String name) {
        return running.get(name);
    }

    /**
     * Deletes the data directory of node {@code name}, which must not be running: the next start
     * finds an empty disk, as after a disk replaced or a container run without its volume.
     */
    public void wipe(String name) {
        NodeProcess node = running.get(name);
        if (node != null && node.alive()) throw new IllegalStateException(name + " is running; stop or kill it first");
        deleteTree(root.resolve(name));
    }

    /** Deletes {@code dir} and everything under it, if it exists. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot wipe " + dir, e);
        }
    }

    @Override
    public List<String> nodeNames() {
        List<String> names = new ArrayList<>();
        for (int n = 1; n <= coordinators.size(); n++) names.add(coordinatorName(n));
        if (!machines.isEmpty()) {
            names.addAll(machines.keySet());
            return names;
        }
        for (String id : specs.keySet()) {
            if (replicated.containsKey(id)) names.addAll(replicated.get(id).keySet());
            else names.add(id);
        }
        return names;
    }

    private NodeProcess start(String name, String mainClass, String[] failpoints, List<String> args) {
        NodeProcess old = running.remove(name);
        if (old != null) old.close();
        List<String> jvm = new ArrayList<>(jvmOptions);
        if (failpoints.length > 0) jvm.add("-Dpledge.failpoints=" + String.join(",", failpoints));
        NodeProcess node = NodeProcess.start(name, launcher.apply(name), classPath, mainClass, jvm, args,
                root.resolve(name + ".log"), onLine == null ? null : line -> onLine.accept(name + " | " + line), START_TIMEOUT);
        running.put(name, node);
        return node;
    }

    private Path dir(String name) {
        return directory(root, name);
    }

    /** {@code root/name}, created if missing: a node's data directory. */
    static Path directory(Path root, String name) {
        try {
            return Files.createDirectories(root.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Below Linux's default ephemeral range (32768-60999), where outgoing connections take their ports. */
    private static final int PICK_FROM = 20_000;
    private static final int PICK_SPAN = 12_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /**
     * A port free on {@code host} right now, never handed out before by this process. It is picked
     * below the kernel's ephemeral range: a port the kernel chose (bind to 0) can be taken by any
     * outgoing connection before the node binds it, which made tests fail with "port in use".
     */
    public static int freePort(String host) {
        return freePorts(host, 1);
    }

    /** The first of {@code count} consecutive ports free on {@code host} right now, none handed out before (as {@link #freePort}). */
    public static int freePorts(String host, int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = PICK_FROM + ThreadLocalRandom.current().nextInt(PICK_SPAN - count);
            if (!allFree(host, port, count)) continue;
            List<Integer> taken = new ArrayList<>();
            for (int p = port; p < port + count && HANDED_OUT.add(p); p++) taken.add(p);
            if (taken.size() == count) return port;
            HANDED_OUT.removeAll(taken);
        }
        throw new IllegalStateException("no free port found on " + host + " in " + PICK_FROM + "-" + (PICK_FROM + PICK_SPAN));
    }

    private static boolean allFree(String host, int first, int count) {
        for (int port = first; port < first + count; port++) {
            if (HANDED_OUT.contains(port)) return false;
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(host, port));
            } catch (IOException busy) {
                return false;
            }
        }
        return true;
    }

    /** SIGTERM every node and wait up to {@code grace} each, so shutdown hooks (e.g. profile dumps) run. */
    public void stopAll(Duration grace) {
        drain().forEach(n -> n.stop(grace));
    }

    @Override
    public void close() {
        drain().forEach(NodeProcess::close);
    }

    /** Takes every running node out of the cluster's hands, for the caller to stop. */
    private List<NodeProcess> drain() {
        synchronized (running) {
            List<NodeProcess> all = new ArrayList<>(running.values());
            running.clear();
            return all;
        }
    }
}
