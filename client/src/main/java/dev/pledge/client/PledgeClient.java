package dev.pledge.client;

import dev.pledge.core.Check;
import dev.pledge.core.Limits;
import dev.pledge.core.TxId;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.runtime.Clock;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.BeginRequest;
import dev.pledge.wire.BeginResponse;
import dev.pledge.tls.ExpectedServer;
import dev.pledge.tls.Role;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.apache.thrift.TException;

/**
 * Entry point of the Java SDK: begins transactions at the coordinators and keeps one pooled
 * {@link RpcClient} per coordinator and per participant endpoint. Thread-safe; make one per application.
 *
 * <p>Several coordinators may be given: a transaction is committed iff every participant durably
 * voted yes, so no coordinator holds authority over another's transactions. Begins and buffered
 * commits are spread over them in turn (one that failed recently is tried last) and a begin fails
 * over to the next; a transaction's commit, abort and status go to the coordinator that issued it,
 * and if that one is gone, the others tell its outcome from its participants' votes.
 *
 * <pre>{@code
 * try (PledgeClient client = PledgeClient.builder().coordinator(Endpoint.parse("coord:7000")).build();
 *      Transaction tx = client.begin(Duration.ofSeconds(5))) {
 *     tx.kv(shardA).put(key, value);
 *     CommitResult result = tx.commit();
 * }
 * }</pre>
 */
public final class PledgeClient implements AutoCloseable {
    /** Buffered transactions per commitWrites call at most. */
    static final int COMMIT_BATCH_MAX = 256;

    static {
        Check.state(COMMIT_BATCH_MAX <= Limits.BATCH_ITEMS_MAX, "a coordinator refuses a commitWrites of more than %s",
                Limits.BATCH_ITEMS_MAX);
    }

    private final RpcClientConfig rpcConfig;
    private final Clock time;
    private final Random random;
    private final long rpcTimeoutMs;
    private final long commitGraceMs;
    private final String clientName;
    private final Coordinators coordinators;
    private final ParticipantClients participants;
    private final AsyncCommits async;

    private PledgeClient(Builder b) {
        this.rpcConfig = b.rpcConfig;
        this.time = b.time;
        this.random = b.random != null ? b.random : new Random(new SecureRandom().nextLong());
        this.rpcTimeoutMs = b.rpcTimeoutMs;
        this.commitGraceMs = b.commitGraceMs;
        this.clientName = b.clientName;
        this.async = new AsyncCommits(time, b.asyncThreads, b.asyncCommitsMax);
        List<CoordinatorClient> clients = new ArrayList<>(b.coordinators.size());
        for (Endpoint e : b.coordinators) {
            RpcClient rpc = new RpcClient(e, ExpectedServer.dialling(rpcConfig, Role.COORDINATOR, null), time, random);
            clients.add(new CoordinatorClient(rpc, b.commitCallsMax, COMMIT_BATCH_MAX, async.workers(), time,
                    rpcConfig.breakerCoolDownMs()));
        }
        this.coordinators = new Coordinators(clients, time);
        this.participants = new ParticipantClients(rpcConfig, time, random, b.replicaSets);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Begins a transaction that its coordinator aborts if it is not committed within {@code timeout}.
     * Begins at the next coordinator in turn; one that cannot be reached (or is overloaded) passes
     * it to the next, all within the rpc timeout.
     */
    public Transaction begin(Duration timeout) throws TException {
        Check.notNull(timeout, "timeout");
        Check.argument(!timeout.isNegative() && !timeout.isZero(), "timeout must be > 0, was %s", timeout);
        long startMs = time.nowMs();
        Coordinators.Answer<BeginResponse> begun = coordinators.callAny(coordinators.spread(),
                (c, remainingMs) -> c.begin(new BeginRequest(Deadlines.forRequest(remainingMs), timeout.toMillis())
                        .setClientName(clientName)),
                rpcTimeoutMs);
        TxId id = Wire.fromWire(begun.value().getTxId());
        coordinators.learn(id, begun.from());
        // Counted from before the request, so the local deadline is never later than the coordinator's.
        return new Transaction(this, id, begun.from(), startMs + begun.value().getTxTimeoutMs());
    }

    /**
     * Starts a write-only transaction buffered in the client and sent whole at commit (one request
     * for begin, every write and commit). The coordinator aborts it if undecided within {@code timeout}.
     */
    public BufferedTransaction beginBuffered(Duration timeout) {
        Check.notNull(timeout, "timeout");
        Check.argument(!timeout.isNegative() && !timeout.isZero(), "timeout must be > 0, was %s", timeout);
        return new BufferedTransaction(this, timeout.toMillis());
    }

    /**
     * What the coordinator that issued {@code txId} says about it now. If this client has not seen
     * that coordinator's node id, its coordinators are asked in turn until one knows the transaction.
     */
    public StatusResult status(TxId txId) throws TException {
        return status(txId, List.of());
    }

    /**
     * What became of {@code txId}, whose participants (every one of them, by node id; a missing one
     * could have voted no) are {@code participantIds}. Asks the coordinator that issued it first;
     * if that one cannot be reached, has forgotten it or does not know it, the others, which answer
     * from the participants' durable votes: COMMITTED or ABORTED (final), PREPARING (undecided, or
     * a participant could not be reached: ask again later), FORGOTTEN (no participant has a record).
     * For a {@link BufferedTransaction} the ids are those its writes named; for a {@link Transaction},
     * {@link Transaction#participantIds()}.
     */
    public StatusResult status(TxId txId, Collection<String> participantIds) throws TException {
        Check.notNull(txId, "txId");
        List<String> ids = List.copyOf(new LinkedHashSet<>(Check.notNull(participantIds, "participantIds")));
        Check.argument(ids.size() <= Limits.PARTICIPANTS_PER_TX_MAX, "at most %s participant ids, were %s",
                Limits.PARTICIPANTS_PER_TX_MAX, ids.size());
        Optional<CoordinatorClient> issuer = coordinators.issuer(txId);
        // Without participant ids no other coordinator can know more than the issuer.
        List<CoordinatorClient> order = ids.isEmpty() && issuer.isPresent() ? List.of(issuer.get())
                : coordinators.issuerFirst(txId);
        return Outcomes.statusResult(new StatusInquiry(time, txId, ids).ask(order, issuer.orElse(null), rpcTimeoutMs));
    }

    Coordinators coordinators() {
        return coordinators;
    }

    ParticipantClients participants() {
        return participants;
    }

    AsyncCommits async() {
        return async;
    }

    Clock time() {
        return time;
    }

    Random random() {
        return random;
    }

    RpcClientConfig rpcConfig() {
        return rpcConfig;
    }

    long rpcTimeoutMs() {
        return rpcTimeoutMs;
    }

    long commitGraceMs() {
        return commitGraceMs;
    }

    @Override
    public void close() {
        coordinators.close();
        participants.close();
        async.close();
    }

    /** Settings of a {@link PledgeClient}; only the coordinators are required. */
    public static final class Builder {
        /** Replicas of one participant the client may be told of: Raft groups of more are not run. */
        public static final int REPLICAS_MAX = 9;
        private List<Endpoint> coordinators;
        private RpcClientConfig rpcConfig = RpcClientConfig.defaults();
        private Clock time = Clock.system();
        private Random random;
        private long rpcTimeoutMs = 5_000;
        private long commitGraceMs = 5_000;
        private String clientName = "pledge-java-sdk";
        private int commitCallsMax = 4;
        private int asyncThreads = 4;
        private int asyncCommitsMax = 10_000;
        private final Map<Endpoint, List<Endpoint>> replicaSets = new HashMap<>();

        private Builder() {}

        /** The one coordinator: {@code coordinators(List.of(endpoint))}. */
        public Builder coordinator(Endpoint endpoint) {
            return coordinators(List.of(Check.notNull(endpoint, "coordinator")));
        }

        /**
         * The coordinators to spread transactions over (distinct endpoints, at most 64). They must
         * share one participant registry and have distinct node ids.
         */
        public Builder coordinators(List<Endpoint> endpoints) {
            Check.notNull(endpoints, "coordinators");
            Check.argument(!endpoints.isEmpty(), "coordinators must not be empty");
            this.coordinators = List.copyOf(endpoints);
            return this;
        }

        public Builder rpcConfig(RpcClientConfig config) {
            this.rpcConfig = Check.notNull(config, "rpcConfig");
            return this;
        }

        public Builder timeSource(Clock time) {
            this.time = Check.notNull(time, "timeSource");
            return this;
        }

        /** One seeded source for every backoff of this client, so tests are exact. */
        public Builder random(Random random) {
            this.random = Check.notNull(random, "random");
            return this;
        }

        /** Deadline of begin, status and abort calls (default 5 s). */
        public Builder rpcTimeout(Duration timeout) {
            this.rpcTimeoutMs = positiveMs(timeout, "rpcTimeout");
            return this;
        }

        /** How long after the transaction's deadline commit keeps asking for the decision (default 5 s). */
        public Builder commitGrace(Duration grace) {
            Check.notNull(grace, "commitGrace");
            Check.argument(!grace.isNegative(), "commitGrace must be >= 0, was %s", grace);
            this.commitGraceMs = grace.toMillis();
            return this;
        }

        /**
         * commitWrites calls in flight at once for buffered transactions (default 4). Concurrent
         * commits beyond that wait and go together in the next call.
         */
        public Builder commitCallsMax(int calls) {
            Check.argument(calls >= 1, "commitCallsMax must be >= 1, was %s", calls);
            this.commitCallsMax = calls;
            return this;
        }

        /**
         * Threads that run {@code commitAsync} rounds and send their batches (default 4), however
         * many commits are in flight: a round is one call, the pauses between rounds are timer tasks.
         */
        public Builder asyncThreads(int threads) {
            Check.argument(threads >= 1, "asyncThreads must be >= 1, was %s", threads);
            this.asyncThreads = threads;
            return this;
        }

        /**
         * {@code commitAsync} calls in flight at most (default 10,000); past it, the returned future
         * fails at once with {@link java.util.concurrent.RejectedExecutionException}, nothing sent.
         */
        public Builder asyncCommitsMax(int commits) {
            Check.argument(commits >= 1, "asyncCommitsMax must be >= 1, was %s", commits);
            this.asyncCommitsMax = commits;
            return this;
        }

        /**
         * Every replica of one replicated participant (distinct, at most {@value #REPLICAS_MAX}).
         * A call the application makes to any of them goes to whichever replica leads, and when
         * the one named is down, to the others: losing the machine the application names stops
         * none of its calls. Without this, the client finds a participant's other replicas only
         * through the leader hints of the one named, so while that one is down it reaches none.
         * Call once per replicated participant; an endpoint belongs to one set at most.
         */
        public Builder replicaSet(List<Endpoint> replicas) {
            Check.notNull(replicas, "replicas");
            Check.argument(!replicas.isEmpty() && replicas.size() <= REPLICAS_MAX,
                    "a replica set has 1 to %s replicas, got %s", REPLICAS_MAX, replicas.size());
            Check.argument(Set.copyOf(replicas).size() == replicas.size(), "replica set %s names an endpoint twice", replicas);
            for (Endpoint e : replicas) {
                Check.argument(!replicaSets.containsKey(e), "endpoint %s is already in replica set %s", e, replicaSets.get(e));
            }
            List<Endpoint> set = List.copyOf(replicas);
            for (Endpoint e : set) replicaSets.put(e, set);
            return this;
        }

        /** A name the coordinator writes in its logs. */
        public Builder clientName(String name) {
            this.clientName = Check.notNull(name, "clientName");
            return this;
        }

        public PledgeClient build() {
            Check.argument(coordinators != null, "a coordinator endpoint is required");
            return new PledgeClient(this);
        }

        private static long positiveMs(Duration d, String name) {
            Check.notNull(d, name);
            Check.argument(!d.isNegative() && !d.isZero(), "%s must be > 0, was %s", name, d);
            return d.toMillis();
        }
    }
}
