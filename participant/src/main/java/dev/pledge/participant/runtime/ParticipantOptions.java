package dev.pledge.participant.runtime;

import dev.pledge.participant.ParticipantNode;
import dev.pledge.participant.config.MetricsConfig;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.process.ParentWatch;
import dev.pledge.rpc.Endpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Option;

/**
 * The command-line options every participant process takes (a picocli mixin), so the generic Kv
 * participant and services built on the library (the demo's nodes) are configured the same way.
 */
public final class ParticipantOptions {
    @Option(names = "--id", required = true, description = "participant id, as registered at the coordinator")
    String id;

    @Option(names = "--listen", defaultValue = "127.0.0.1:0", description = "host:port to serve on (port 0 = any)")
    String listen;

    @Option(names = "--data-dir", required = true, description = "RocksDB directory (one per participant)")
    Path dataDir;

    @Option(names = "--coordinator", required = true, description = "coordinator host:port")
    String coordinator;

    @Option(names = "--coordinator-id", defaultValue = "coord-1", description = "the coordinator's node id")
    String coordinatorId;

    @Option(names = "--peer", description = "another participant, id=host:port (repeatable); asked when the coordinator is away")
    Map<String, String> peers = new LinkedHashMap<>();

    @Option(names = "--lock-wait-max-ms", defaultValue = "2000", description = "longest wait for a lock")
    long lockWaitMaxMs;

    @Option(names = "--outcome-retention-ms", defaultValue = "600000", description = "how long outcomes are kept")
    long outcomeRetentionMs;

    @Option(names = "--in-doubt-poll-base-ms", defaultValue = "100", description = "first in-doubt poll backoff")
    long pollBaseMs;

    @Option(names = "--in-doubt-poll-max-ms", defaultValue = "5000", description = "cap of the in-doubt poll backoff")
    long pollMaxMs;

    @Option(names = "--peer-ask-after-ms", defaultValue = "1000",
            description = "how long the coordinator must be unreachable before in-doubt branches ask their peers")
    long peerAskAfterMs;

    @Option(names = "--metrics", description = "host:port for HTTP /metrics and /health (port 0 = any); off if absent")
    String metrics;

    @Option(names = "--coordinator-lost-after-ms", defaultValue = "5000",
            description = "/health answers 503 once every coordinator call has failed this long")
    long coordinatorLostAfterMs;

    public String id() {
        return id;
    }

    public ParticipantConfig config() {
        Map<String, Endpoint> peerEndpoints = new LinkedHashMap<>();
        peers.forEach((peerId, address) -> peerEndpoints.put(peerId, Endpoint.parse(address)));
        return ParticipantConfig.defaults(id, Endpoint.parse(listen), dataDir, Endpoint.parse(coordinator))
                .withCoordinatorId(coordinatorId)
                .withLockWaitMaxMs(lockWaitMaxMs)
                .withOutcomeRetentionMs(outcomeRetentionMs)
                .withInDoubtPollMs(pollBaseMs, pollMaxMs)
                .withPeerAskAfterMs(peerAskAfterMs)
                .withPeers(peerEndpoints);
    }

    /** A node from these options, with metrics if asked for; services and validator are the caller's. */
    public ParticipantNode node() {
        ParentWatch.startIfRequested(id);
        ParticipantNode node = new ParticipantNode(config());
        if (metrics != null) node.withMetrics(new MetricsConfig(Endpoint.parse(metrics), coordinatorLostAfterMs));
        return node;
    }

    /**
     * Starts {@code node}, prints the ready line ({@code participant <label> listening on host:port
     * incarnation n}, which launchers wait for) and serves until the process is told to stop.
     */
    public void serve(ParticipantNode node, String label) throws Exception {
        node.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.stop();
            stopped.countDown();
        }, "participant-shutdown"));
        System.out.println("participant " + label + " listening on " + Endpoint.parse(listen).host() + ":" + node.port()
                + " incarnation " + node.incarnation());
        if (metrics != null) {
            System.out.println("metrics on http://" + Endpoint.parse(metrics).host() + ":" + node.metricsPort() + "/metrics");
        }
        System.out.flush();
        stopped.await();
    }
}
