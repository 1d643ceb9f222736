package dev.pledge.coordinator.runtime;

import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.protocol.CoordinatorCore;
import dev.pledge.coordinator.rpc.AdminService;
import dev.pledge.coordinator.rpc.CoordinatorService;
import dev.pledge.coordinator.storage.DecisionLog;
import dev.pledge.coordinator.protocol.Record;
import dev.pledge.core.Incarnations;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.LogWriterListener;
import dev.pledge.rpc.OpsHttpServer;
import dev.pledge.rpc.InlineMethods;
import dev.pledge.rpc.RpcServer;
import dev.pledge.rpc.RpcServerConfig;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.tls.TlsConfig;
import dev.pledge.rpc.Services;
import dev.pledge.runtime.Clock;
import dev.pledge.runtime.GroupCommitWriter;
import dev.pledge.wire.Admin;
import dev.pledge.wire.Coordinator;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.thrift.TMultiplexedProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running coordinator: decision log, recovery, event loop, participant calls and the Thrift
 * server (Coordinator and Admin services, multiplexed). {@link #start} returns once the new epoch
 * is durable and the server accepts calls.
 */
public final class CoordinatorNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorNode.class);
    private static final int LOG_QUEUE_MAX = 10_000;
    public static final int LOG_BATCH_SUBMISSIONS_MAX = 1_000;

    private final CoordinatorConfig config;
    private final long epoch;
    private final List<AutoCloseable> closeInOrder = new ArrayList<>();
    private GroupCommitWriter<Record> writer;
    private ParticipantSender sender;
    private volatile CoordinatorRuntime runtime;
    private RpcServer server;
    private CoordinatorMetrics metrics;
    private int metricsPort = -1;

    private CoordinatorNode(CoordinatorConfig config, long epoch) {
        this.config = config;
        this.epoch = epoch;
    }

    /** Starts a node, serving /metrics and /health if the config names an address for them. */
    public static CoordinatorNode start(CoordinatorConfig config) throws IOException {
        return start(config, config.rpc().metrics());
    }

    /** As {@link #start(CoordinatorConfig)}, also serving /metrics and /health on {@code metricsListen} unless null. */
    public static CoordinatorNode start(CoordinatorConfig config, Endpoint metricsListen) throws IOException {
        return start(config, metricsListen, metricsListen != null);
    }

    /**
     * As {@link #start(CoordinatorConfig)}, metered but serving no /metrics of its own: whoever hosts
     * it (a machine of the replicated demo) serves {@link #scrape} and {@link #health} with its own.
     */
    public static CoordinatorNode startMetered(CoordinatorConfig config) throws IOException {
        return start(config, null, true);
    }

    private static CoordinatorNode start(CoordinatorConfig config, Endpoint metricsListen, boolean metered) throws IOException {
        DecisionLog decisionLog = DecisionLog.open(config.storage().dataDir());
        Clock time = Clock.system();
        CoordinatorCore.Recovery recovery;
        try {
            recovery = CoordinatorCore.recover(config.coreConfig(), decisionLog.readAll(), time.nowMs(),
                    Incarnations.draw(System.currentTimeMillis(), new SecureRandom()), new Random(config.core().randomSeed()));
        } catch (IOException | RuntimeException e) {
            decisionLog.close();
            throw e;
        }
        CoordinatorNode node = new CoordinatorNode(config, recovery.core().epoch());
        try {
            node.wire(decisionLog, recovery, time, metricsListen, metered);
        } catch (IOException | RuntimeException | InterruptedException e) {
            node.close();
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw e instanceof IOException io ? io : new IOException("coordinator failed to start: " + e, e);
        }
        return node;
    }

    private void wire(DecisionLog decisionLog, CoordinatorCore.Recovery recovery, Clock time, Endpoint metricsListen,
                      boolean metered)
            throws IOException, InterruptedException {
        closeInOrder.add(decisionLog);
        String id = config.core().nodeId();
        LogWriterListener logListener = new LogWriterListener(id, cause -> {
            CoordinatorRuntime r = runtime;
            if (r != null) r.stopDeciding(cause);
        });
        writer = new GroupCommitWriter<>(id + "-log", decisionLog,
                new GroupCommitWriter.Settings(LOG_QUEUE_MAX, LOG_BATCH_SUBMISSIONS_MAX, 0), logListener);
        writer.start();
        closeInOrder.add(0, writer);
        TlsConfig tls = config.rpc().tls() == null ? null : TlsConfig.load(config.rpc().tls(), java.time.Clock.systemUTC());
        RpcClientConfig client = tls == null ? config.rpc().client() : config.rpc().client().withTls(tls.rpc());
        sender = new ParticipantSender(id, config.rpc().participants(), config.rpc().participantReplicas(), client,
                config.rpc().participantCallTimeoutMs(), config.rpc().senderThreadsMax(), config.rpc().decisionLingerMs(),
                e -> runtime.postInternal(e), time);
        closeInOrder.add(0, sender);
        VoteInquiries inquiries = new VoteInquiries(id, sender);
        closeInOrder.add(0, inquiries);
        runtime = new CoordinatorRuntime(recovery.core(), config.core().eventQueueMax(), writer, sender, time);
        closeInOrder.add(0, runtime);
        if (metered) {
            metrics = new CoordinatorMetrics(id, () -> runtime.damaged().size());
            closeInOrder.add(0, metrics);
            logListener.meter(metrics.nodeMetrics());
            runtime.meter(metrics);
        }
        runtime.start(recovery.startup());
        TMultiplexedProcessor processor = new TMultiplexedProcessor();
        CoordinatorService service = new CoordinatorService(id, () -> epoch, recovery.core().storageId(), runtime,
                inquiries, config.rpc().participants()::containsKey);
        processor.registerProcessor(Services.COORDINATOR, new Coordinator.Processor<>(service));
        processor.registerProcessor(Services.ADMIN, new Admin.Processor<>(new AdminService(id, this::stats, runtime::damaged)));
        // The clients' hot path: no worker between the io thread and the core.
        InlineMethods inline = InlineMethods.none()
                .add(Services.COORDINATOR, "commitWrites", Coordinator.commitWrites_args::new,
                        Coordinator.commitWrites_result::new, args -> service.commitWritesLater(args.getRequest()))
                .add(Services.COORDINATOR, "commit", Coordinator.commit_args::new, Coordinator.commit_result::new,
                        args -> service.commitLater(args.getRequest()));
        server = RpcServer.start(RpcServerConfig.of(config.rpc().listen(), config.rpc().server())
                .withTls(tls == null ? null : tls.rpc()), processor, inline);
        closeInOrder.add(0, server);
        if (metricsListen != null) metricsPort = metrics.nodeMetrics().serve(id, metricsListen, this::health);
    }

    /** This coordinator's meters as Prometheus text, or null when it is not metered. */
    public String scrape() {
        CoordinatorMetrics m = metrics;
        return m == null ? null : m.nodeMetrics().scrape();
    }

    /** What /health says of this coordinator: deciding, or why not. */
    public OpsHttpServer.Health health() {
        String stopped = runtime.stoppedBecause();
        return stopped == null ? new OpsHttpServer.Health(true, "deciding; epoch " + epoch)
                : new OpsHttpServer.Health(false, "no decisions are made: " + stopped);
    }

    /** The bound port of /metrics and /health, or -1 when they are not served. */
    public int metricsPort() {
        return metricsPort;
    }

    public int port() {
        return server.port();
    }

    public long epoch() {
        return epoch;
    }

    public CoordinatorConfig config() {
        return config;
    }

    /** Counters for Admin.stats, including group-commit figures. */
    public Map<String, Long> stats() {
        Map<String, Long> counters = new TreeMap<>();
        counters.putAll(writer.stats().counters());
        counters.put("events.stepped", runtime.eventsStepped.get());
        counters.put("requests.refused", runtime.requestsRefused.get());
        counters.put("tx.in_memory", (long) runtime.transactionsInMemory());
        counters.put("participant.calls", sender.callsSent.get());
        counters.put("participant.calls_sent_in_place", sender.callsSentInPlace.get());
        counters.put("participant.calls_failed", sender.callsFailed.get());
        counters.put("epoch", epoch);
        counters.put("tx.damaged", (long) runtime.damaged().size());
        return counters;
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeInOrder) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("{} close of {} failed: {}", config.core().nodeId(), c.getClass().getSimpleName(), e.toString());
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            }
        }
        closeInOrder.clear();
    }
}
