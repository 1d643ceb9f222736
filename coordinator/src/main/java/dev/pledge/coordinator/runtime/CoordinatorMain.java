package dev.pledge.coordinator.runtime;

import dev.pledge.coordinator.config.ConfigLoader;
import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.rpc.Endpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import dev.pledge.process.ParentWatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar pledge-coordinator.jar --config FILE} or flags. Prints
 * "coordinator ID listening on HOST:PORT epoch N" once it serves, and runs until killed.
 */
@Command(name = "pledge-coordinator", mixinStandardHelpOptions = true,
        description = "Runs a Pledge two-phase-commit coordinator.")
public final class CoordinatorMain implements Callable<Integer> {

    @Option(names = "--config", description = "a .properties file (flags given as well override it)")
    Path configFile;

    @Option(names = "--node-id", description = "coordinator id, e.g. coord-1")
    String nodeId;

    @Option(names = "--listen", description = "host:port to serve on (port 0 picks a free one)")
    String listen;

    @Option(names = "--data-dir", description = "directory of the decision log")
    Path dataDir;

    @Option(names = "--participant", description = "id=host:port, repeatable")
    List<String> participants = List.of();

    @Option(names = "--retention-ms", description = "how long a committed outcome is remembered after END")
    Long retentionMs;

    @Option(names = "--tx-timeout-ms", description = "default transaction timeout")
    Long txTimeoutMs;

    @Option(names = "--seed", description = "seed of retry jitter")
    Long seed;

    @Option(names = "--sender-threads-max", description = "threads calling participants (1 sends one message at a time)")
    Integer senderThreadsMax;

    @Option(names = "--metrics", description = "host:port for HTTP /metrics and /health (port 0 = any); off if absent")
    String metrics;

    public static void main(String[] args) {
        // Expected failures (bad config, data dir in use) read as one line, not a stack trace.
        CommandLine cli = new CommandLine(new CoordinatorMain()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("pledge-coordinator: " + e.getMessage());
            return 2;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        CoordinatorConfig config = config();
        ParentWatch.startIfRequested(config.nodeId());
        CountDownLatch stopped = new CountDownLatch(1);
        CoordinatorNode node = CoordinatorNode.start(config, metrics == null ? null : Endpoint.parse(metrics));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "shutdown"));
        System.out.println("coordinator " + config.nodeId() + " listening on " + config.listen().host() + ":"
                + node.port() + " epoch " + node.epoch());
        if (metrics != null) {
            System.out.println("metrics on http://" + Endpoint.parse(metrics).host() + ":" + node.metricsPort() + "/metrics");
        }
        System.out.flush();
        stopped.await();
        return 0;
    }

    private CoordinatorConfig config() throws java.io.IOException {
        CoordinatorConfig c;
        if (configFile != null) {
            c = ConfigLoader.load(configFile);
            if (nodeId != null || listen != null || dataDir != null || !participants.isEmpty()) {
                c = new CoordinatorConfig(nodeId != null ? nodeId : c.nodeId(),
                        listen != null ? Endpoint.parse(listen) : c.listen(), dataDir != null ? dataDir : c.dataDir(),
                        participants.isEmpty() ? c.participants() : parseParticipants(),
                        c.txTimeoutDefaultMs(), c.txTimeoutMinMs(), c.txTimeoutMaxMs(), c.retentionMs(),
                        c.deliveryRetryBaseMs(), c.deliveryRetryMaxMs(), c.sweepIntervalMs(),
                        c.participantCallTimeoutMs(), c.serverWorkersMax(), c.eventQueueMax(), c.senderThreadsMax(),
                        c.rpcClient(), c.randomSeed());
            }
        } else {
            if (nodeId == null || listen == null || dataDir == null) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "give --config FILE, or --node-id, --listen and --data-dir");
            }
            c = CoordinatorConfig.defaults(nodeId, Endpoint.parse(listen), dataDir, parseParticipants());
        }
        if (retentionMs != null) c = c.withRetentionMs(retentionMs);
        if (txTimeoutMs != null) {
            c = c.withTxTimeoutsMs(txTimeoutMs, Math.min(c.txTimeoutMinMs(), txTimeoutMs),
                    Math.max(c.txTimeoutMaxMs(), txTimeoutMs));
        }
        if (seed != null) c = c.withRandomSeed(seed);
        if (senderThreadsMax != null) c = c.withSenderThreadsMax(senderThreadsMax);
        return c;
    }

    private Map<String, Endpoint> parseParticipants() {
        Map<String, Endpoint> map = new LinkedHashMap<>();
        for (String p : participants) {
            int eq = p.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--participant wants id=host:port, got " + p);
            map.put(p.substring(0, eq), Endpoint.parse(p.substring(eq + 1)));
        }
        return map;
    }
}
