package dev.pledge.demo.node;

import dev.pledge.demo.client.Topology;
import dev.pledge.demo.wire.CourseService;
import dev.pledge.demo.wire.StudentService;
import dev.pledge.participant.ParticipantNode;
import dev.pledge.participant.TxKv;
import dev.pledge.participant.config.MetricsConfig;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.process.ParentWatch;
import dev.pledge.rpc.Endpoint;
import dev.pledge.wire.TxContext;
import org.apache.thrift.TException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * One participant process of the demo: a student shard or the course node, built on the
 * participant library. The enrollment service and the Pledge protocol share one port.
 */
@Command(name = "demo-node", mixinStandardHelpOptions = true, description = "A student shard or the course node.")
public final class DemoNodeMain implements Callable<Integer> {
    @Option(names = "--id", required = true, description = "participant id, as the coordinator knows it")
    String id;

    @Option(names = "--listen", required = true, description = "host:port to serve on")
    String listen;

    @Option(names = "--data-dir", required = true, description = "RocksDB directory of this node")
    Path dataDir;

    @Option(names = "--coordinator", required = true, description = "coordinator host:port")
    String coordinator;

    @Option(names = "--coordinator-id", defaultValue = "coord-1", description = "coordinator node id (default: ${DEFAULT-VALUE})")
    String coordinatorId;

    @Option(names = "--peer", description = "another participant, id=host:port (repeatable); asked when the coordinator is away")
    Map<String, String> peers = new LinkedHashMap<>();

    @Option(names = "--role", required = true, description = "student or course")
    String role;

    @Option(names = "--shard", defaultValue = "0", description = "student shard index")
    int shard;

    @Option(names = "--shards", defaultValue = "2", description = "number of student shards")
    int shards;

    @Option(names = "--metrics", description = "host:port for HTTP /metrics and /health (port 0 = any); off if absent")
    String metrics;

    @Option(names = "--coordinator-lost-after-ms", defaultValue = "5000",
            description = "/health answers 503 once every coordinator call has failed this long (default: ${DEFAULT-VALUE})")
    long coordinatorLostAfterMs;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoNodeMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ParentWatch.startIfRequested(id);
        ParticipantConfig config = ParticipantConfig.defaults(id, Endpoint.parse(listen), dataDir, Endpoint.parse(coordinator))
                .withCoordinatorId(coordinatorId)
                .withPeers(peerEndpoints());
        ParticipantNode node = new ParticipantNode(config);
        if (metrics != null) node.withMetrics(new MetricsConfig(Endpoint.parse(metrics), coordinatorLostAfterMs));
        BranchRunner runner = runnerOf(node);
        switch (role) {
            case "student" -> node.withValidator(Validators.students())
                    .withService(Topology.STUDENT_SERVICE, new StudentService.Processor<>(new StudentHandler(runner, shard, shards)));
            case "course" -> node.withValidator(Validators.courses())
                    .withService(Topology.COURSE_SERVICE, new CourseService.Processor<>(new CourseHandler(runner)));
            default -> throw new CommandLine.ParameterException(new CommandLine(this), "--role must be student or course, was " + role);
        }
        node.start();
        System.out.println("participant " + id + " (" + role + ") listening on " + Endpoint.parse(listen).host() + ":" + node.port()
                + " incarnation " + node.incarnation());
        if (metrics != null) {
            System.out.println("metrics on http://" + Endpoint.parse(metrics).host() + ":" + node.metricsPort() + "/metrics");
        }
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }

    private Map<String, Endpoint> peerEndpoints() {
        Map<String, Endpoint> out = new LinkedHashMap<>();
        peers.forEach((peerId, address) -> out.put(peerId, Endpoint.parse(address)));
        return out;
    }

    /** The participant library's execute, seen through the demo's narrow interface. */
    static BranchRunner runnerOf(ParticipantNode node) {
        return new BranchRunner() {
            @Override
            public <R> R execute(TxContext ctx, Work<R> work) throws TException {
                return node.execute(ctx, kv -> work.run(store(kv)));
            }
        };
    }

    private static BranchRunner.Store store(TxKv kv) {
        return new BranchRunner.Store() {
            @Override
            public byte[] get(byte[] key) throws TException {
                return kv.get(key);
            }

            @Override
            public byte[] getForUpdate(byte[] key) throws TException {
                return kv.getForUpdate(key);
            }

            @Override
            public void put(byte[] key, byte[] value) throws TException {
                kv.put(key, value);
            }
        };
    }
}
