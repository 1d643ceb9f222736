package dev.pledge.fuzz;

import dev.pledge.client.CommitResult;
import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.demo.certs.CertsCommand;
import dev.pledge.demo.client.Topology;
import dev.pledge.demo.node.CourseHandler;
import dev.pledge.demo.node.DemoNodeMain;
import dev.pledge.demo.node.StudentHandler;
import dev.pledge.demo.wire.CourseService;
import dev.pledge.demo.wire.Rejected;
import dev.pledge.demo.wire.StudentService;
import dev.pledge.it.InJvmCluster;
import dev.pledge.participant.app.PrepareValidator;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.tls.TlsConfig;
import dev.pledge.tls.TlsFiles;
import dev.pledge.wire.Admin;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.Kv;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PingResponse;
import dev.pledge.wire.StatsResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.net.SocketFactory;

/**
 * The nodes under fuzz: a real coordinator, and participants A and B, A also serving the demo's
 * StudentService and CourseService, all over loopback sockets. {@link #assertServing} is what
 * "still serving" means after a batch.
 *
 * <p>With {@code -Dfuzz.tls=true} every node serves TLS 1.3 with client certificates, and the
 * fuzzer presents the coordinator's certificate: the most any caller may do, so every method's
 * handler, the participant protocol's included, sees the inputs.
 */
final class FuzzedCluster implements AutoCloseable {
    static final String TLS_PROPERTY = "fuzz.tls";
    private static final String CLIENT = "app";
    private static final long CALL_MS = 10_000;
    private static final Duration TX_TIMEOUT = Duration.ofSeconds(10);
    /** A student id no fuzz input names (they use small numbers and boundaries), on shard A (even ids). */
    private static final int UNUSED_STUDENT_ID = 424_242;

    private final Path root;
    private final InJvmCluster cluster;
    private final RpcClient coordinator;
    private final RpcClient participant;
    private final PledgeClient client;
    private final List<FuzzTarget> targets;
    private long checks;

    private FuzzedCluster(Path root, boolean tls) throws IOException {
        this.root = root;
        Path certs = root.resolve("certs");
        if (tls) CertsCommand.make(certs, List.of(InJvmCluster.COORDINATOR_ID), List.of("A", "B"), List.of(), List.of(CLIENT));
        Function<String, TlsConfig> identity = name -> TlsConfig.load(TlsFiles.inDirectory(certs, name), Clock.systemUTC());
        this.cluster = new InJvmCluster(root, List.of("A", "B"),
                c -> tls ? c.withTls(TlsFiles.inDirectory(certs, InJvmCluster.COORDINATOR_ID)) : c)
                .withParticipantTuning(c -> tls ? c.withTls(TlsFiles.inDirectory(certs, c.core().participantId())) : c)
                .startCoordinator();
        cluster.startParticipant("B", PrepareValidator.ACCEPT_ALL);
        cluster.startParticipant("A", PrepareValidator.ACCEPT_ALL, node -> node
                .withService(Topology.STUDENT_SERVICE,
                        new StudentService.Processor<>(new StudentHandler(DemoNodeMain.runnerOf(node), 0, 1)))
                .withService(Topology.COURSE_SERVICE,
                        new CourseService.Processor<>(new CourseHandler(DemoNodeMain.runnerOf(node)))));
        RpcClientConfig checker = tls ? RpcClientConfig.defaults().withTls(identity.apply(CLIENT).rpc()) : RpcClientConfig.defaults();
        this.coordinator = new RpcClient(cluster.coordinator(), checker);
        this.participant = new RpcClient(cluster.participant("A"), checker);
        this.client = PledgeClient.builder().coordinator(cluster.coordinator()).rpcConfig(checker).build();
        SocketFactory sockets = tls ? identity.apply(InJvmCluster.COORDINATOR_ID).context().getSocketFactory() : SocketFactory.getDefault();
        Endpoint a = cluster.participant("A");
        this.targets = List.of(
                FuzzTarget.of("coordinator", cluster.coordinator(), sockets, Services.COORDINATOR, Coordinator.class),
                FuzzTarget.of("coordinator", cluster.coordinator(), sockets, Services.ADMIN, Admin.class),
                FuzzTarget.of("participant A", a, sockets, Services.PARTICIPANT, Participant.class),
                FuzzTarget.of("participant A", a, sockets, Services.KV, Kv.class),
                FuzzTarget.of("participant A", a, sockets, Services.ADMIN, Admin.class),
                FuzzTarget.of("participant A", a, sockets, Topology.STUDENT_SERVICE, StudentService.class),
                FuzzTarget.of("participant A", a, sockets, Topology.COURSE_SERVICE, CourseService.class));
    }

    /** Over plain TCP, or over TLS with {@code -Dfuzz.tls=true}. */
    static FuzzedCluster start() throws IOException {
        boolean tls = Boolean.getBoolean(TLS_PROPERTY);
        if (tls) System.out.println("fuzz: every node over TLS 1.3 with client certificates; inputs present coord-1's");
        return new FuzzedCluster(Files.createTempDirectory("pledge-fuzz"), tls);
    }

    /** Every service of every node kind, each with every one of its methods. */
    List<FuzzTarget> targets() {
        return targets;
    }

    /**
     * The nodes still answer normal requests and keep their promises: both ping with their own ids,
     * both give their stats, a transaction over both participants commits through the SDK and a
     * later one reads its write back, and the demo's services answer.
     */
    void assertServing() throws Exception {
        checks++;
        PingResponse coordinatorPing = coordinator.call(Services.COORDINATOR, new Coordinator.Client.Factory(),
                (c, ms) -> c.ping(), CALL_MS);
        check(coordinatorPing.getNodeId().equals("coord-1"), "coordinator ping names coord-1: " + coordinatorPing);
        PingResponse participantPing = participant.call(Services.PARTICIPANT, new Participant.Client.Factory(),
                (c, ms) -> c.ping(), CALL_MS);
        check(participantPing.getNodeId().equals("A"), "participant ping names A: " + participantPing);
        for (RpcClient node : List.of(coordinator, participant)) {
            StatsResponse stats = node.call(Services.ADMIN, new Admin.Client.Factory(), (c, ms) -> c.stats(), CALL_MS);
            check(!stats.getCounters().isEmpty(), "stats of " + stats.getNodeId() + " has counters");
        }
        byte[] key = ("fuzz-health-" + checks + "-" + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        byte[] value = ("v" + checks).getBytes(StandardCharsets.UTF_8);
        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            tx.kv(cluster.participant("A")).put(key, value);
            tx.kv(cluster.participant("B")).put(key, value);
            CommitResult result = tx.commit();
            check(result.committed(), "a normal transaction over A and B commits: " + result);
        }
        try (Transaction tx = client.begin(TX_TIMEOUT)) {
            check(Arrays.equals(tx.kv(cluster.participant("A")).get(key), value), "A reads back the committed write");
            check(Arrays.equals(tx.kv(cluster.participant("B")).get(key), value), "B reads back the committed write");
            try {
                tx.call(cluster.participant("A"), Topology.STUDENT_SERVICE, new StudentService.Client.Factory(),
                        (c, ctx) -> c.getStudent(ctx, UNUSED_STUDENT_ID));
            } catch (Rejected expected) {
                check(expected.getCode().equals("UNKNOWN_STUDENT"), "StudentService answers UNKNOWN_STUDENT: " + expected);
            }
            tx.abort();
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) throw new AssertionError("the nodes still serve: " + what);
    }

    @Override
    public void close() throws IOException {
        client.close();
        coordinator.close();
        participant.close();
        cluster.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
