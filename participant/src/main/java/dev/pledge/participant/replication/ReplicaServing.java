package dev.pledge.participant.replication;

import dev.pledge.core.Check;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.participant.rpc.ParticipantHandler;
import dev.pledge.participant.runtime.NodeRuntime;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.InlineMethods;
import dev.pledge.rpc.RpcServer;
import dev.pledge.rpc.RpcServerConfig;
import dev.pledge.rpc.RpcTls;
import dev.pledge.rpc.Services;
import dev.pledge.runtime.Threads;
import dev.pledge.wire.Admin;
import dev.pledge.wire.ExchangeRequest;
import dev.pledge.wire.ExchangeResponse;
import dev.pledge.wire.Kv;
import dev.pledge.wire.Participant;
import dev.pledge.wire.Unavailable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.thrift.TException;
import org.apache.thrift.TMultiplexedProcessor;
import org.apache.thrift.TProcessor;
import org.apache.thrift.protocol.TProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A participant node that is one replica of a replicated shard. Its replica serves Raft all along;
 * its Thrift port serves the participant only while the replica leads, through a participant
 * runtime made for that leadership term: built from the applied store exactly as a restarted
 * participant recovers (PREPARED branches re-take their locks, unprepared ones are gone, a new
 * incarnation is committed to the group), writing through {@link ReplicatedLogStore} with the term.
 * The moment the replica stops leading, calls are refused with a leader hint and that runtime is
 * closed; whatever it still tries to write is applied by no replica ({@link TermBatch}).
 */
public final class ReplicaServing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaServing.class);
    private static final long CLOSE_WAIT_MS = 10_000;

    /**
     * What a leadership term's runtime serves: every method through {@code processor}, and the
     * coordinators' hot path, {@code exchange}, inline through {@code protocol}.
     */
    public record LeaderServices(TMultiplexedProcessor processor, ParticipantHandler protocol) {
        public LeaderServices {
            Check.notNull(processor, "processor");
            Check.notNull(protocol, "protocol");
        }
    }

    /** The runtime of one leadership term and what it serves. */
    private record Term(long number, NodeRuntime runtime, ReplicatedLogStore log, LeaderServices services) {}

    private final ParticipantConfig config;
    private final ParticipantConfig.Replication replication;
    private final ShardGroup group;
    private final String name;
    private final Function<NodeRuntime, LeaderServices> leaderServices;
    private final TMultiplexedProcessor notLeadingServices = new TMultiplexedProcessor();
    /** Builds and closes runtimes off Ratis's threads: starting one waits on the group. */
    private final ExecutorService changes;
    private final Map<String, Endpoint> rpcByReplica = new LinkedHashMap<>();
    /** This replica's own Raft server, started by the empty-disk rule; null for a machine's division. */
    private ReplicaStartup startup;
    /** This replica as a division of its machine's {@link RaftHost}, which applies the rule itself; null otherwise. */
    private ShardReplica hosted;
    private RpcServer server;
    /** The term this replica leads in, or 0; changed under this object's lock. */
    private long leadingTerm;
    private volatile Term serving;
    private volatile String leaderId;

    private ReplicaServing(ParticipantConfig config, Function<NodeRuntime, LeaderServices> leaderServices,
                           Map<String, TProcessor> apps) {
        this.config = config;
        this.replication = Check.notNull(config.replication(), "replication");
        this.leaderServices = leaderServices;
        String participantId = config.core().participantId();
        replication.replicas().forEach((id, r) -> rpcByReplica.put(id, r.rpc()));
        this.group = ShardGroup.of(config);
        this.name = participantId + "/" + replication.selfId();
        this.changes = Executors.newSingleThreadExecutor(r -> Threads.daemon(r, "participant-" + name + "-leadership"));
        NotLeading refusing = new NotLeading(participantId, this::notLeading);
        notLeadingServices.registerProcessor(Services.PARTICIPANT, new Participant.Processor<>(refusing));
        notLeadingServices.registerProcessor(Services.KV, new Kv.Processor<>(refusing));
        notLeadingServices.registerProcessor(Services.ADMIN, new Admin.Processor<>(refusing));
        apps.forEach(notLeadingServices::registerProcessor);
    }

    /**
     * Starts the replica by the empty-disk rule ({@link ReplicaStartup}: it may first wait for its
     * peers or a leader, without holding up this call) and serves Thrift on {@code rpc.listen}:
     * {@code leaderServices} of the runtime while this replica leads, refusals otherwise. The
     * application's services ({@code apps}) are served either way; they reach the runtime through
     * {@link #leading}.
     */
    public static ReplicaServing start(ParticipantConfig config, RpcTls tls,
                                       Function<NodeRuntime, LeaderServices> leaderServices,
                                       Map<String, TProcessor> apps) throws IOException {
        return start(config, tls, leaderServices, apps, null);
    }

    /**
     * As above; with a {@code host}, the replica is this machine's division of the host's Raft
     * server (which the machine starts once every shard's node is started) instead of a server of its own.
     */
    public static ReplicaServing start(ParticipantConfig config, RpcTls tls,
                                       Function<NodeRuntime, LeaderServices> leaderServices,
                                       Map<String, TProcessor> apps, RaftHost host) throws IOException {
        ReplicaServing node = new ReplicaServing(config, leaderServices, apps);
        try {
            RpcServerConfig rpc = RpcServerConfig.of(config.rpc().listen(), config.rpc().server()).withTls(tls);
            InlineMethods inline = InlineMethods.none().add(Services.PARTICIPANT, "exchange", Participant.exchange_args::new,
                    Participant.exchange_result::new, args -> node.exchange(args.getRequest()));
            node.server = RpcServer.start(rpc, node.new Routing(), inline);
            node.hosted = host != null ? host.replica(node.group, node.new Leadership()) : null;
            if (host == null) {
                node.startup = ReplicaStartup.begin(node.group, node.replication.selfId(), config.storage().dataDir(),
                        node.replication.settings().withTls(config.rpc().tls()), node.replication.bootstrap(), node.new Leadership());
            }
            return node;
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /** The runtime of this replica's leadership, or null while it does not lead. */
    public NodeRuntime leading() {
        Term t = serving;
        return t == null ? null : t.runtime();
    }

    /** The refusal of a replica that does not lead: naming the leader's Thrift address if it is known and another replica. */
    public Unavailable notLeading() {
        Unavailable refusal = new Unavailable("participant " + config.core().participantId() + ": replica "
                + replication.selfId() + " does not lead its shard");
        String leader = leaderId;
        Endpoint at = leader == null || leader.equals(replication.selfId()) ? null : rpcByReplica.get(leader);
        if (at != null) refusal.setLeaderHint(at.toString());
        return refusal;
    }

    public int port() {
        return server.port();
    }

    private void lead(long term) {
        Term previous;
        synchronized (this) {
            if (leadingTerm != term) return;
            previous = serving;
            serving = null;
        }
        if (previous != null) end(previous, "term " + term + " began");
        long startNs = System.nanoTime();
        ShardReplica replica = replica();
        if (replica == null) {
            // Ratis may call a replica leader before its start returned.
            LOG.warn("{} leads in term {} but its replica is still starting; trying again", name, term);
            Threads.pause(replication.settings().writeRetrySleepMs());
            change(() -> lead(term));
            return;
        }
        ReplicatedLogStore log = ReplicatedLogStore.open(replica, replication.settings(), term);
        Term started;
        try {
            NodeRuntime runtime = NodeRuntime.startOver(config, replica.store(), log,
                    TimeUnit.MICROSECONDS.toNanos(replication.settings().commitLingerUs()));
            started = new Term(term, runtime, log, leaderServices.apply(runtime));
        } catch (RuntimeException e) {
            log.close();
            // Its first write (the new incarnation) may find no majority yet; try again while the term lasts.
            LOG.warn("{} leads in term {} but could not start its participant runtime; trying again: {}", name, term, e.toString());
            Threads.pause(replication.settings().writeRetrySleepMs());
            change(() -> lead(term));
            return;
        }
        boolean current;
        synchronized (this) {
            current = leadingTerm == term;
            if (current) serving = started;
        }
        if (!current) {
            end(started, "term " + term + " ended while it started");
            return;
        }
        LOG.info("{} shard term {}: FOLLOWING -> LEADING (serving as incarnation {}, recovered in {} ms)", name, term,
                started.runtime().incarnation(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
    }

    /** Ends a term's runtime; its writer first, so that calls waiting on a write fail now rather than at writeTimeoutMs. */
    private void end(Term t, String why) {
        t.log().close();
        t.runtime().close();
        LOG.info("{} shard term {}: LEADING -> FOLLOWING ({})", name, t.number(), why);
    }

    /** Stops serving at once (calls are refused), ends the term's runtime, then stops Thrift and the replica. */
    @Override
    public void close() {
        Term t;
        synchronized (this) {
            leadingTerm = 0;
            t = serving;
            serving = null;
        }
        changes.shutdown();
        try {
            if (!changes.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) changes.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Term last = serving;
        serving = null;
        if (t != null) end(t, "stopping");
        if (last != null && last != t) end(last, "stopping");
        if (server != null) server.close();
        if (startup != null) {
            try {
                startup.close();
            } catch (IOException e) {
                LOG.warn("{} cannot close its replica: {}", name, e.toString());
            }
        }
    }

    private void change(Runnable c) {
        try {
            changes.execute(c);
        } catch (RejectedExecutionException stopping) {
            // close() ends whatever serves.
        }
    }

    /** The running replica: leadership news comes only from a started one. */
    private ShardReplica replica() {
        return hosted != null ? hosted : startup.replica();
    }

    /**
     * Completes true once this replica confirmed it still leads in {@code t}'s term; false if it does
     * not, or cannot tell within electionTimeoutMaxMs. Already complete while the leader's lease holds.
     */
    private CompletableFuture<Boolean> confirmLeading(Term t) {
        return replica().confirmLeading(t.number())
                .completeOnTimeout(false, replication.settings().electionTimeoutMaxMs(), TimeUnit.MILLISECONDS)
                .exceptionally(cannotTell -> false);
    }

    /** {@link #confirmLeading}, waited for. */
    private boolean stillLeading(Term t) {
        try {
            return confirmLeading(t).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException impossible) {
            return false;
        }
    }

    /**
     * Every call goes to the runtime of the current leadership once the replica confirmed it still
     * leads (a deposed leader may not know yet: it must neither read nor vote), or is refused.
     */
    private final class Routing extends TMultiplexedProcessor {
        @Override
        public void process(TProtocol in, TProtocol out) throws TException {
            Term t = serving;
            if (t != null && !stillLeading(t)) t = null;
            (t == null ? notLeadingServices : t.services().processor()).process(in, out);
        }
    }

    /**
     * An exchange, served inline (on the io thread, no worker) as {@link Routing} serves every other
     * call: once the replica confirmed it still leads. The caller is checked here, on the io thread;
     * the exchange starts here too while the leader's lease holds, which is nearly always, or else on
     * the thread that completes the confirmation (a round of heartbeats).
     */
    private CompletableFuture<ExchangeResponse> exchange(ExchangeRequest req) throws TException {
        Term t = serving;
        if (t == null) throw notLeading();
        ParticipantHandler.AdmittedExchange admitted = t.services().protocol().admitExchange(req);
        // A confirmation already complete runs this on the io thread, before thenCompose returns.
        return confirmLeading(t).thenCompose(leads -> startIfLeading(leads, admitted));
    }

    private CompletableFuture<ExchangeResponse> startIfLeading(boolean leads, ParticipantHandler.AdmittedExchange admitted) {
        try {
            if (!leads) throw notLeading();
            return admitted.start();
        } catch (TException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Ratis's news, on Ratis's threads: serving stops at once; runtimes start and stop on {@link #changes}. */
    private final class Leadership implements ShardLeadership {
        @Override
        public void leading(long term) {
            synchronized (ReplicaServing.this) {
                leadingTerm = term;
            }
            leaderId = replication.selfId();
            change(() -> lead(term));
        }

        @Override
        public void notLeading() {
            Term t;
            synchronized (ReplicaServing.this) {
                leadingTerm = 0;
                t = serving;
                serving = null;
            }
            if (t != null) change(() -> end(t, "not the leader any more"));
        }

        @Override
        public void leaderIs(String peerId) {
            leaderId = ReplicaIdentity.replicaIdOf(peerId);
        }
    }
}
