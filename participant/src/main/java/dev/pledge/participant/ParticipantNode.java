package dev.pledge.participant;

import dev.pledge.auth.OperatorAuth;
import dev.pledge.auth.OperatorToken;
import dev.pledge.auth.Peer;
import dev.pledge.core.Check;
import dev.pledge.tls.CallerCheck;
import dev.pledge.tls.PeerRules;
import dev.pledge.tls.TlsConfig;
import dev.pledge.participant.app.BranchWork;
import dev.pledge.participant.app.PrepareValidator;
import dev.pledge.participant.config.MetricsConfig;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.participant.replication.RaftHost;
import dev.pledge.participant.replication.ReplicaServing;
import dev.pledge.participant.runtime.NodeRuntime;
import dev.pledge.participant.rpc.AdminHandler;
import dev.pledge.participant.rpc.KvHandler;
import dev.pledge.participant.rpc.ParticipantHandler;
import dev.pledge.rpc.InlineMethods;
import dev.pledge.rpc.RpcServices;
import dev.pledge.rpc.Services;
import dev.pledge.wire.Admin;
import dev.pledge.wire.Kv;
import dev.pledge.wire.Participant;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.Unavailable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.thrift.TException;
import org.apache.thrift.TMultiplexedProcessor;
import org.apache.thrift.TProcessor;

/**
 * A transactional participant embedded in a service. Configure, add the application's Thrift
 * services and validator, start; then call {@link #execute} from the service's handlers:
 *
 * <pre>{@code
 * ParticipantNode node = new ParticipantNode(config).withValidator(courseCapacity);
 * node.withService("Courses", new Courses.Processor<>(new CoursesHandler(node)));
 * node.start();
 * }</pre>
 *
 * One port serves the protocol ({@code Participant}), {@code Kv}, {@code Admin} and the app's services.
 */
public final class ParticipantNode implements AutoCloseable {
    private static final Set<String> RESERVED = Set.of(Services.PARTICIPANT, Services.KV, Services.ADMIN, Services.COORDINATOR);

    private final ParticipantConfig config;
    private final Map<String, TProcessor> services = new LinkedHashMap<>();
    private PrepareValidator validator = PrepareValidator.ACCEPT_ALL;
    private MetricsConfig metrics;
    private volatile NodeRuntime runtime;
    /** Set instead of {@link #runtime} when the shard is replicated: a runtime runs only while this replica leads. */
    private volatile ReplicaServing replicated;
    /** The machine's Raft server this replica is a division of, or null for a server of its own. */
    private RaftHost raftHost;

    public ParticipantNode(ParticipantConfig config) {
        this.config = Check.notNull(config, "config");
        this.metrics = config.metrics();
    }

    /** The application's check at prepare (e.g. "course full" votes NO). Before {@link #start}. */
    public synchronized ParticipantNode withValidator(PrepareValidator v) {
        Check.state(runtime == null, "configure before start()");
        this.validator = Check.notNull(v, "validator");
        return this;
    }

    /** Serves /metrics (Prometheus text) and /health over HTTP as well (else as the config says). Before {@link #start}. */
    public synchronized ParticipantNode withMetrics(MetricsConfig m) {
        Check.state(runtime == null, "configure before start()");
        this.metrics = Check.notNull(m, "metrics");
        return this;
    }

    /**
     * Makes this replicated shard's replica a division of a machine's shared Raft server, which the
     * caller starts once every shard's node on the machine is started. Before {@link #start}.
     */
    public synchronized ParticipantNode withRaftHost(RaftHost host) {
        Check.state(runtime == null && replicated == null, "configure before start()");
        Check.argument(config.replication() != null, "participant %s is not replicated: it has no Raft group to host",
                config.core().participantId());
        this.raftHost = Check.notNull(host, "host");
        return this;
    }

    /** Multiplexes an application service on the participant's port under {@code name}. Before {@link #start}. */
    public synchronized ParticipantNode withService(String name, TProcessor processor) {
        Check.state(runtime == null, "configure before start()");
        Check.argument(name != null && !name.isBlank() && !RESERVED.contains(name), "service name %s is reserved or blank", name);
        Check.argument(!services.containsKey(name), "service %s is already added", name);
        services.put(name, Check.notNull(processor, "processor"));
        return this;
    }

    /**
     * Recovers from the data dir (PREPARED branches re-take their locks), syncs a new incarnation, then
     * serves. A replica of a replicated shard joins its group and serves; it recovers that way each
     * time it becomes the leader, and refuses calls with a leader hint while it is not.
     */
    public synchronized ParticipantNode start() throws IOException {
        Check.state(runtime == null && replicated == null, "already started");
        PrepareValidator v = validator;
        Map<String, TProcessor> apps = Map.copyOf(services);
        TlsConfig tls = config.rpc().tls() == null ? null : TlsConfig.load(config.rpc().tls(), java.time.Clock.systemUTC());
        ParticipantConfig effective = tls == null ? config : config.withRpcClient(config.rpc().client().withTls(tls.rpc()));
        OperatorAuth operators = operatorAuth(config);
        CallerCheck protocolCallers = tls == null ? CallerCheck.OPEN : CallerCheck.of(config.core().participantId(),
                caller -> PeerRules.mayCallParticipantProtocol(caller, config.coordinators().keySet(), config.rpc().peers().keySet()));
        if (config.replication() != null) {
            // Every call goes through the replica's routing (does this term's core still lead?); so does the inline exchange.
            replicated = ReplicaServing.start(effective, tls == null ? null : tls.rpc(), started -> {
                ParticipantHandler protocol = protocol(started, v, protocolCallers);
                return new ReplicaServing.LeaderServices(services(started, protocol, apps, operators).processor(), protocol);
            }, apps, raftHost);
            return this;
        }
        runtime = NodeRuntime.start(effective, tls == null ? null : tls.rpc(), metrics,
                started -> services(started, protocol(started, v, protocolCallers), apps, operators));
        return this;
    }

    private ParticipantHandler protocol(NodeRuntime started, PrepareValidator v, CallerCheck protocolCallers) {
        return new ParticipantHandler(config.core().participantId(), started.storageId(), started.gateway(), v,
                started::committed, protocolCallers);
    }

    /** The wiring: the protocol, Kv and Admin handlers over the started runtime, beside the app's services. */
    private RpcServices services(NodeRuntime started, ParticipantHandler protocol, Map<String, TProcessor> apps,
                                 OperatorAuth operators) {
        TMultiplexedProcessor mux = new TMultiplexedProcessor();
        String id = config.core().participantId();
        mux.registerProcessor(Services.PARTICIPANT, new Participant.Processor<>(protocol));
        // The coordinator's hot path: no worker between the io thread and the core.
        InlineMethods inline = InlineMethods.none().add(Services.PARTICIPANT, "exchange", Participant.exchange_args::new,
                Participant.exchange_result::new, args -> protocol.exchangeLater(args.getRequest()));
        mux.registerProcessor(Services.KV, new Kv.Processor<>(new KvHandler(started.executor())));
        mux.registerProcessor(Services.ADMIN, new Admin.Processor<>(new AdminHandler(id, started.gateway(),
                started::runtimeCounters, started.clock(), started.outcomeOracle(), started::heuristicEntries, operators)));
        apps.forEach(mux::registerProcessor);
        return new RpcServices(mux, inline);
    }

    /** Read before the runtime starts, so a bad token file stops the node before it serves anyone. */
    private static OperatorAuth operatorAuth(ParticipantConfig config) throws IOException {
        Path file = config.rpc().operatorTokenFile();
        // With TLS an operator certificate is a way in; the token still is one, for operators without one.
        return new OperatorAuth(config.core().participantId(), file == null ? null : OperatorToken.read(file),
                Peer::ofCurrentCertificate);
    }

    public synchronized void stop() {
        if (runtime != null) runtime.close();
        if (replicated != null) replicated.close();
    }

    @Override
    public void close() {
        stop();
    }

    public ParticipantConfig config() {
        return config;
    }

    public int port() {
        ReplicaServing s = replicated;
        return s != null ? s.port() : running().port();
    }

    /**
     * This shard's participant meters as Prometheus text, or null when there are none here: a
     * replica of a replicated shard has them only while it leads (its machine serves them), an
     * unreplicated node only when it serves /metrics.
     */
    public String scrape() {
        ReplicaServing s = replicated;
        NodeRuntime r = s != null ? s.leading() : runtime;
        return r == null ? null : r.scrape();
    }

    /** The port of /metrics and /health, or -1 when not served (a replica's meters are served by its machine, see {@link #scrape}). */
    public int metricsPort() {
        return replicated != null ? -1 : running().metricsPort();
    }

    /** The incarnation serving here; 0 on a replica that does not lead its shard. */
    public long incarnation() {
        ReplicaServing s = replicated;
        if (s == null) return running().incarnation();
        NodeRuntime leading = s.leading();
        return leading == null ? 0 : leading.incarnation();
    }

    /** True while this node serves the participant: always when unreplicated, while its replica leads when replicated. */
    public boolean serving() {
        ReplicaServing s = replicated;
        return s == null ? runtime != null : s.leading() != null;
    }

    /**
     * Runs one operation of transaction {@code ctx.txId} on this participant. The first operation
     * of a transaction enlists with the coordinator; every get/put/delete takes strict 2PL locks and
     * buffers writes until commit. A retry with the same {@code ctx.opSeq} returns the first
     * result without running {@code work} again (I7). Blocks at most {@code ctx.deadlineMs}.
     *
     * @throws dev.pledge.wire.NotAllowed the branch is aborted (reason and detail in the message) or already prepared
     * @throws dev.pledge.wire.InvalidArgument a malformed context, key or value
     * @throws dev.pledge.wire.Unavailable overloaded, stopping, coordinator unreachable, or the deadline ran out
     */
    public <R> R execute(TxContext ctx, BranchWork<R> work) throws TException {
        Check.notNull(work, "work");
        NodeRuntime r = runtime;
        if (r == null) r = leading();
        return r.executor().execute(ctx, work);
    }

    /** The runtime of this replica's leadership; refused with a leader hint when it does not lead. */
    private NodeRuntime leading() throws Unavailable {
        ReplicaServing s = replicated;
        if (s == null) throw new Unavailable("participant " + config.core().participantId() + " is not started");
        NodeRuntime r = s.leading();
        if (r == null) throw s.notLeading();
        return r;
    }

    /** Group-commit counters of the running node (batches, syncs, entries), as Admin.stats also reports them; none on a replica that does not lead. */
    public Map<String, Long> logCounters() {
        ReplicaServing s = replicated;
        if (s == null) return running().runtimeCounters();
        NodeRuntime leading = s.leading();
        return leading == null ? Map.of() : leading.runtimeCounters();
    }

    private NodeRuntime running() {
        NodeRuntime r = runtime;
        Check.state(r != null, "participant %s is not started", config.core().participantId());
        return r;
    }
}
