package dev.pledge.demo.launch;

import dev.pledge.demo.certs.CertsCommand;
import dev.pledge.demo.client.Topology;
import dev.pledge.demo.node.DemoMachineMain;
import dev.pledge.demo.node.MachineLayout;
import dev.pledge.rpc.Endpoint;
import dev.pledge.runtime.Threads;
import dev.pledge.rpc.RpcClientConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The replicated demo on loopback: machines, each its own OS process ({@code DemoMachineMain})
 * with its own data directory under {@code root}, each hosting a replica of every shard and a
 * coordinator. Every shard is a Raft group of all the machines. Ports are fixed when the cluster is
 * defined, so a machine restarted after SIGKILL, or on an empty disk, comes back where the others
 * know it.
 */
public final class MachineCluster implements ProcessCluster {
    public static final String MACHINE_MAIN = "dev.pledge.demo.node.DemoMachineMain";
    /** Machines of one cluster at most. */
    public static final int MACHINES_MAX = 7;
    /** A machine starts a coordinator, three stores and a Raft server: longer than one node. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** A machine back on an empty disk joins every shard's group, catching up on each: a whole log at most. */
    private static final Duration REJOIN_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern MEMBER = Pattern.compile(Pattern.quote(DemoMachineMain.MEMBER_OF_EVERY_GROUP));
    private static final Pattern RAFT_PEER = Pattern.compile("Raft peer (\\S+)\\)");
    /** Heap of a machine in tests: it holds four RocksDBs and Ratis's caches. */
    public static final List<String> JVM_TEST = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final Path root;
    private final String classPath = NodeProcess.ownClassPath();
    private final Map<String, MachineLayout> machines = new LinkedHashMap<>();
    private final Map<String, NodeProcess> running = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Consumer<String> onLine;
    private volatile List<String> jvmOptions = JVM_TEST;
    /** Machines this cluster started at least once: only a first start may found the groups. */
    private final Set<String> startedOnce = ConcurrentHashMap.newKeySet();
    /** Where every machine part's, the client's and the operator's certificates are ({@link #withTls}); null for plain TCP. */
    private volatile Path tlsDir;
    private final ExecutorService startingPool = Executors.newCachedThreadPool(r -> Threads.daemon(r, "machine-start"));

    /**
     * {@code count} machines "m1".."mN" on {@code host}: the n-th takes {@link MachineLayout#PORTS}
     * ports from {@code basePort + (n-1) * PORTS}, or free ones if {@code basePort} is 0.
     */
    public MachineCluster(Path root, String host, int basePort, int count, Consumer<String> onLine) {
        if (count < 1 || count > MACHINES_MAX) {
            throw new IllegalArgumentException("machines must be in [1, " + MACHINES_MAX + "], was " + count);
        }
        this.root = root;
        this.onLine = onLine;
        for (int n = 1; n <= count; n++) {
            String id = "m" + n;
            int base = basePort > 0 ? basePort + (n - 1) * MachineLayout.PORTS : LocalCluster.freePorts(host, MachineLayout.PORTS);
            machines.put(id, new MachineLayout(id, new Endpoint(host, base)));
        }
    }

    /** JVM options of machines started from now on (default {@link #JVM_TEST}). */
    public MachineCluster withJvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
        return this;
    }

    public Path root() {
        return root;
    }

    /**
     * TLS 1.3 with client certificates on every link of machines started from now on, Raft's
     * included: makes a CA in {@code root/certs} and a certificate for each machine's coordinator
     * (its id), each shard (every replica of a shard serves as that shard), each machine's Raft
     * server (the machine's id), a client ({@link LocalCluster#TLS_CLIENT}) and an operator
     * ({@link LocalCluster#TLS_OPERATOR}); an existing CA and certificates there are kept.
     */
    public MachineCluster withTls() throws IOException {
        Path dir = root.resolve(LocalCluster.CERTS_DIR);
        List<String> coordinatorIds = machines.values().stream().map(MachineLayout::coordinatorId).toList();
        List<String> participants = new ArrayList<>(MachineLayout.SHARDS.stream().map(MachineLayout.Shard::id).toList());
        participants.addAll(machines.keySet());
        CertsCommand.make(dir, coordinatorIds, participants, List.of(LocalCluster.TLS_OPERATOR), List.of(LocalCluster.TLS_CLIENT));
        tlsDir = dir;
        return this;
    }

    /** Where {@link #withTls} put the certificates, or null for plain TCP. */
    public Path certsDir() {
        return tlsDir;
    }

    @Override
    public List<String> nodeNames() {
        return List.copyOf(machines.keySet());
    }

    @Override
    public NodeProcess node(String name) {
        return running.get(name);
    }

    /**
     * Starts every machine at once: on a new cluster's first start each waits for all the others
     * to answer before it founds the shards' groups (and prints that it listens).
     */
    @Override
    public void startAll() {
        List<CompletableFuture<NodeProcess>> starting = new ArrayList<>();
        for (String name : machines.keySet()) starting.add(CompletableFuture.supplyAsync(() -> start(name), startingPool));
        CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
    }

    /**
     * The machine lost its disk: deletes its data directory (it must not be running) and starts it
     * on the empty one. The empty directory is what tells it: it comes back as a new incarnation
     * that joins every shard's group in place of the old one. Returns once it is a member of every
     * group and caught up: until then a group of three keeps its log on two machines only, and a
     * second fault would leave it no majority (a second lost disk, no majority ever again).
     */
    public NodeProcess restartAfterDiskLoss(String name) {
        wipe(name);
        NodeProcess node = start(name);
        node.awaitLine(MEMBER, REJOIN_TIMEOUT);
        return node;
    }

    /**
     * Starts (or restarts) machine {@code name} on its data directory. Only its first start by this
     * cluster may found the groups ({@code --bootstrap}): a later empty directory is a lost disk.
     */
    @Override
    public NodeProcess start(String name) {
        MachineLayout self = layout(name);
        List<String> args = new ArrayList<>(List.of("--machine-id", name, "--data-dir", LocalCluster.directory(root, name).toString()));
        machines.values().forEach(m -> args.addAll(List.of("--machine", m.machineId() + "=" + m.base())));
        if (startedOnce.add(name)) args.add("--bootstrap");
        if (tlsDir != null) args.addAll(List.of("--tls-certs", tlsDir.toString()));
        NodeProcess old = running.remove(self.machineId());
        if (old != null) old.close();
        NodeProcess node = NodeProcess.start(name, classPath, MACHINE_MAIN, jvmOptions, args, root.resolve(name + ".log"),
                onLine == null ? null : line -> onLine.accept(name + " | " + line), START_TIMEOUT);
        running.put(name, node);
        return node;
    }

    /** The Raft peer id a started machine printed (a fresh incarnation after a lost disk: {@code m2#<hex>}). */
    public static String raftPeer(NodeProcess machine) {
        Matcher m = RAFT_PEER.matcher(machine.awaitLine(RAFT_PEER, Duration.ZERO));
        return m.find() ? m.group(1) : "?";
    }

    /** Deletes the data directory of machine {@code name}, which must not be running. */
    public void wipe(String name) {
        layout(name);
        NodeProcess node = running.get(name);
        if (node != null && node.alive()) throw new IllegalStateException(name + " is running; stop or kill it first");
        LocalCluster.deleteTree(root.resolve(name));
    }

    @Override
    public boolean isCoordinator(String name) {
        return false;
    }

    @Override
    public Endpoint endpoint(String name) {
        return layout(name).raft();
    }

    /** {@code base} with the TLS of certificate {@code name} once {@link #withTls} was called; else {@code base}. */
    @Override
    public RpcClientConfig clientConfig(String name, RpcClientConfig base) {
        return LocalCluster.clientConfig(tlsDir, name, base);
    }

    /** Every machine's coordinator, in machine order. */
    public List<Endpoint> coordinators() {
        return machines.values().stream().map(MachineLayout::coordinator).toList();
    }

    /** Where each machine's replica of {@code shardId} serves, in machine order. */
    public List<Endpoint> replicas(String shardId) {
        return machines.values().stream().map(m -> m.shard(shardId)).toList();
    }

    /** Every shard's replicas, each list in machine order. */
    public List<List<Endpoint>> replicaSets() {
        return MachineLayout.SHARDS.stream().map(s -> replicas(s.id())).toList();
    }

    /** The machine a shard replica's address belongs to. */
    public String machineOf(Endpoint replica) {
        for (MachineLayout m : machines.values()) {
            for (MachineLayout.Shard s : MachineLayout.SHARDS) if (m.shard(s.id()).equals(replica)) return m.machineId();
        }
        throw new IllegalArgumentException(replica + " is no shard replica of this cluster");
    }

    /**
     * The demo's view: every machine's coordinator, and each shard named by its replica on the
     * first machine (a client given {@link #replicaSets} reaches whichever replica leads).
     */
    public Topology topology() {
        return new Topology(coordinators(), List.of(replicas(DemoCluster.STUDENT_A).get(0), replicas(DemoCluster.STUDENT_B).get(0)),
                replicas(DemoCluster.COURSE_C).get(0));
    }

    /**
     * Which machine leads each shard now, by asking every replica (a leader's ping names its
     * incarnation, a follower's 0); a shard none of whose replicas serves maps to null.
     */
    public Map<String, String> leaders(ClusterProbe probe) {
        Map<String, String> leaders = new LinkedHashMap<>();
        for (MachineLayout.Shard s : MachineLayout.SHARDS) {
            String leader = null;
            for (MachineLayout m : machines.values()) {
                NodeProcess p = running.get(m.machineId());
                if (p == null || !p.alive() || p.paused()) continue;
                try {
                    if (ClusterProbe.leads(probe.pingParticipant(m.shard(s.id())))) leader = m.machineId();
                } catch (Exception notAnswering) {
                    // down, starting, or cut off: not the leader as far as anyone can tell
                }
            }
            leaders.put(s.id(), leader);
        }
        return leaders;
    }

    /** Where machine {@code name} serves. */
    public MachineLayout layout(String name) {
        MachineLayout m = machines.get(name);
        if (m == null) throw new IllegalArgumentException("no machine " + name + " (have " + machines.keySet() + ")");
        return m;
    }

    @Override
    public void close() {
        List<NodeProcess> all;
        synchronized (running) {
            all = new ArrayList<>(running.values());
            running.clear();
        }
        all.forEach(NodeProcess::close);
        startingPool.shutdown();
    }
}
