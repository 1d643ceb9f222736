package dev.pledge.participant.runtime;

import dev.pledge.core.LogLine;
import dev.pledge.runtime.Clock;
import dev.pledge.core.Incarnations;
import dev.pledge.participant.config.MetricsConfig;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.participant.protocol.CoreView;
import dev.pledge.participant.protocol.Event;
import dev.pledge.participant.protocol.Message;
import dev.pledge.participant.protocol.Outputs;
import dev.pledge.participant.protocol.ParticipantCore;
import dev.pledge.participant.protocol.Reply;
import dev.pledge.participant.storage.ParticipantStore;
import dev.pledge.participant.rpc.HeuristicEntry;
import dev.pledge.participant.rpc.OutcomeOracle;
import dev.pledge.rpc.LogWriterListener;
import dev.pledge.rpc.TransitionLog;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcServer;
import dev.pledge.rpc.RpcServices;
import dev.pledge.rpc.RpcServerConfig;
import dev.pledge.rpc.RpcTls;
import dev.pledge.runtime.GroupCommitWriter;
import dev.pledge.runtime.LogStats;
import dev.pledge.runtime.LogStore;
import dev.pledge.tls.ExpectedServer;
import dev.pledge.tls.Role;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running participant: store, core thread (with its timers), group-commit writer, coordinator link and the
 * Thrift server, started in the order that keeps promises (recover, sync the new incarnation,
 * then serve) and stopped in reverse.
 */
public final class NodeRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeRuntime.class);
    /** One line per branch transition, node id first; its own logger so operators can route or silence it. */
    private static final Logger transitions = LoggerFactory.getLogger("dev.pledge.participant.transitions");
    public static final int LOG_BATCH_MAX = 1_024;
    /**
     * How long a phase-two commit's sync waits for company on a node's own disk. Long enough for
     * the next transaction's prepare to arrive behind it when one client commits back to back (a
     * few hundred µs here); short against the coordinator's patience for acknowledgements.
     */
    public static final long COMMIT_LINGER_NS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long START_WAIT_MS = 30_000;

    private final ParticipantConfig config;
    private final Clock clock;
    private final ParticipantStore store;
    /** False when the store is a replica's, which outlives this runtime (one runtime per leadership). */
    private final boolean ownsStore;
    private final GroupCommitWriter<dev.pledge.participant.protocol.Record> writer;
    private final LogWriterListener logListener;
    private final CoordinatorLink link;
    private final PeerLink peerLink;
    private final EventLoop loop;
    private final CoreGateway gateway;
    private final BranchExecutor executor;
    private final CoordinatorContact contact;
    private final HeuristicWatch heuristics;
    private final OutcomeProbe probe;
    private final HeuristicAudit audit;
    private ParticipantMetrics metrics;
    private int metricsPort = -1;
    private RpcServer server;
    private long incarnation;
    private long storageId;
    private volatile boolean stopped;

    private NodeRuntime(ParticipantConfig config, ParticipantStore store, LogStore<dev.pledge.participant.protocol.Record> log,
                        boolean ownsStore, long commitLingerNs, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.store = store;
        this.ownsStore = ownsStore;
        String id = config.core().participantId();
        List<dev.pledge.participant.protocol.Record> recovered = store.readAll();
        ParticipantCore core = ParticipantCore.recover(config.coreConfig(), recovered, clock.nowMs(),
                new Random(new SecureRandom().nextLong()));
        this.heuristics = new HeuristicWatch();
        heuristics.recovered(recovered);
        this.contact = new CoordinatorContact(clock);
        this.logListener = new LogWriterListener("participant " + id, this::stopDeciding);
        this.writer = new GroupCommitWriter<>("participant-" + id + "-log", log,
                new GroupCommitWriter.Settings(config.storage().logQueueMax(), LOG_BATCH_MAX, commitLingerNs), logListener);
        Map<String, RpcClient> coordinators = new LinkedHashMap<>();
        config.coordinators().forEach((coordinatorId, endpoint) ->
                coordinators.put(coordinatorId,
                        new RpcClient(endpoint, ExpectedServer.dialling(config.rpc().client(), Role.COORDINATOR, coordinatorId))));
        this.link = new CoordinatorLink(id, coordinators, config.rpc().coordinatorCallMs(), contact);
        this.peerLink = new PeerLink(id, config.rpc().peers(), config.rpc().client(), config.rpc().coordinatorCallMs());
        Effects effects = new Effects();
        this.loop = new EventLoop("participant-" + id, core, writer, effects, clock,
                config.core().eventQueueMax());
        this.gateway = new CoreGateway(loop);
        this.executor = new BranchExecutor(gateway, store, config.coordinators().keySet(), clock);
        link.attach(loop);
        peerLink.attach(loop);
        this.probe = new OutcomeProbe(id, link, peerLink);
        this.audit = new HeuristicAudit(id, heuristics, link, gateway, config.rpc().coordinatorCallMs());
    }

    /**
     * Recovers, syncs a new incarnation, then serves on one port whatever {@code services} builds
     * from the started runtime (the node wires the protocol, Kv, Admin and the app's handlers);
     * also /metrics and /health unless {@code metricsConfig} is null.
     */
    public static NodeRuntime start(ParticipantConfig config, MetricsConfig metricsConfig,
                                    Function<NodeRuntime, RpcServices> services) throws IOException {
        return start(config, null, metricsConfig, services);
    }

    /**
     * As {@link #start(ParticipantConfig, MetricsConfig, Function)}, serving over {@code tls} when
     * it is not null (the node's clients take theirs from {@code config.rpc().client()}).
     */
    public static NodeRuntime start(ParticipantConfig config, RpcTls tls, MetricsConfig metricsConfig,
                                    Function<NodeRuntime, RpcServices> services) throws IOException {
        Clock clock = Clock.system();
        ParticipantStore store = ParticipantStore.open(config.storage().dataDir(), config.storage().walRecycling());
        NodeRuntime node;
        try {
            node = new NodeRuntime(config, store, store, true, COMMIT_LINGER_NS, clock);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        try {
            if (metricsConfig != null) node.startMetrics(metricsConfig.coordinatorLostAfterMs(), clock);
            node.serve(services, tls);
            if (metricsConfig != null) node.metricsPort = node.metrics.serve(metricsConfig.listen(), node.link);
            return node;
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /**
     * A runtime that reads {@code store} (recovering from it) but writes its records to {@code log},
     * and serves nothing itself: a replicated shard's leader, whose store is its replica's applied
     * state and whose log is the shard's group. The caller routes calls to it, and closes
     * {@code log} after it; {@code store} stays open. A phase-two commit waits up to
     * {@code commitLingerNs} to share a write with a later one (the group's
     * {@code ReplicationSettings.commitLingerUs}: a write to the group costs more than a local sync).
     */
    public static NodeRuntime startOver(ParticipantConfig config, ParticipantStore store,
                                        LogStore<dev.pledge.participant.protocol.Record> log, long commitLingerNs) {
        Clock clock = Clock.system();
        NodeRuntime node = new NodeRuntime(config, store, log, false, commitLingerNs, clock);
        try {
            // Metered but not served: the machine hosting the replica serves its leaders' meters (see scrape()).
            node.startMetrics(config.rpc().coordinatorLostAfterMs(), clock);
            node.startCore();
            node.audit.start();
            return node;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private void serve(Function<NodeRuntime, RpcServices> services, RpcTls tls) throws IOException {
        startCore();
        RpcServerConfig rpc = RpcServerConfig.of(config.rpc().listen(), config.rpc().server()).withTls(tls);
        RpcServices served = services.apply(this);
        server = RpcServer.start(rpc, served.processor(), served.inline());
        audit.start();
    }

    /** Starts the writer and the core's thread, and syncs a new incarnation. */
    private void startCore() {
        writer.start();
        loop.start();
        Incarnations.Start start = Incarnations.draw(System.currentTimeMillis(), new SecureRandom());
        if (!loop.post((now, view) -> new Event.Start(now, start))) throw new IllegalStateException("cannot post Start");
        try {
            loop.flush().get(START_WAIT_MS, TimeUnit.MILLISECONDS);
            incarnation = gateway.query(CoreView::incarnation, START_WAIT_MS);
            storageId = gateway.query(CoreView::storageId, START_WAIT_MS);
        } catch (Exception e) {
            throw new IllegalStateException("participant did not start: " + e, e);
        }
    }

    /**
     * The committed value of {@code key} as the core knows it: commits applied but not stored yet
     * count (the validator must see them). Null if absent or deleted. Any thread.
     */
    public byte[] committed(byte[] key) {
        return loop.committed(key, store::get);
    }

    /** Asks the coordinator, then the peers, for a transaction's real outcome (before a heuristic decision). */
    public OutcomeOracle outcomeOracle() {
        return probe;
    }

    /** The branches decided by hand or found MIXED. */
    public List<HeuristicEntry> heuristicEntries() {
        return heuristics.entries();
    }

    public Clock clock() {
        return clock;
    }

    private void startMetrics(long coordinatorLostAfterMs, Clock clock) {
        metrics = new ParticipantMetrics(config.core().participantId(), gateway, contact, peerLink, heuristics, clock,
                coordinatorLostAfterMs, this::stoppedBecause);
        logListener.meter(metrics.nodeMetrics());
    }

    public int port() {
        return server.port();
    }

    /** This node's meters as Prometheus text, or null when it is not metered. */
    public String scrape() {
        ParticipantMetrics m = metrics;
        return m == null ? null : m.nodeMetrics().scrape();
    }

    /** The bound port of /metrics and /health, or -1 when they are not served. */
    public int metricsPort() {
        return metricsPort;
    }

    public long incarnation() {
        return incarnation;
    }

    /** The identity of this node's data directory (new when it started on an empty one). */
    public long storageId() {
        return storageId;
    }

    public BranchExecutor executor() {
        return executor;
    }

    public CoreGateway gateway() {
        return gateway;
    }

    public Map<String, Long> runtimeCounters() {
        Map<String, Long> m = new LinkedHashMap<>(writer.stats().counters());
        m.put("cooperativeTerminations", peerLink.cooperativeTerminations());
        m.put("heuristic.forced", heuristics.forcedCount());
        m.put("heuristic.mixed", heuristics.mixedCount());
        m.put("heuristic.mixedBranches", heuristics.mixedNow());
        m.put("coordinator.lostMs", contact.lostForMs());
        return m;
    }

    public LogStats logStats() {
        return writer.stats();
    }

    /**
     * A failed log write: decide nothing more (the loop refuses every event, so callers get
     * Unavailable) and fail /health, but stay up so that /health, /metrics and the log say why.
     * The same policy as the coordinator's; a broken invariant stops the loop the same way.
     */
    private void stopDeciding(Throwable cause) {
        loop.stop(cause.toString());
    }

    /** Why this node decides nothing more, or null while it decides; the loop keeps the first reason. */
    public String stoppedBecause() {
        return loop.stoppedBecause();
    }

    @Override
    public synchronized void close() {
        if (stopped) return;
        stopped = true;
        if (server != null) server.close();
        if (metrics != null) metrics.close();
        audit.close();
        loop.close();
        link.close();
        peerLink.close();
        writer.close();
        if (ownsStore) store.close();
    }

    private final class Effects implements EventLoop.Effects {
        @Override
        public void reply(Reply reply) {
            gateway.deliver(reply);
        }

        @Override
        public void send(Message message) {
            if (message instanceof Message.AskPeer p) peerLink.ask(p);
            else link.send(message);
        }

        @Override
        public void recorded(List<dev.pledge.participant.protocol.Record> records) {
            heuristics.recorded(records);
        }

        @Override
        public void log(List<LogLine> lines) {
            TransitionLog.write(transitions, lines);
        }
    }
}
