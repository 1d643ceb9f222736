package dev.pledge.client;

import dev.pledge.core.Check;
import dev.pledge.core.Limits;
import dev.pledge.core.TxId;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.runtime.Clock;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.BeginRequest;
import dev.pledge.wire.BeginResponse;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.StatusRequest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.thrift.TException;

/**
 * Entry point of the Java SDK: begins transactions at a coordinator and keeps one pooled
 * {@link RpcClient} per participant endpoint. Thread-safe; make one per application.
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
    /** Distinct participant endpoints one client talks to; a bound on its connections and memory. */
    static final int PARTICIPANT_ENDPOINTS_MAX = 1024;
    private static final Coordinator.Client.Factory COORDINATOR = new Coordinator.Client.Factory();
    /** Buffered transactions per commitWrites call at most. */
    static final int COMMIT_BATCH_MAX = 256;

    static {
        Check.state(COMMIT_BATCH_MAX <= Limits.BATCH_ITEMS_MAX, "a coordinator refuses a commitWrites of more than %s",
                Limits.BATCH_ITEMS_MAX);
    }

    private final RpcClient coordinator;
    private final RpcClientConfig rpcConfig;
    private final Clock time;
    private final Random random;
    private final long rpcTimeoutMs;
    private final long commitGraceMs;
    private final String clientName;
    private final Map<Endpoint, RpcClient> participants = new ConcurrentHashMap<>();
    private final CommitCoalescer commits;

    private PledgeClient(Builder b) {
        this.rpcConfig = b.rpcConfig;
        this.time = b.time;
        this.random = b.random != null ? b.random : new Random(new SecureRandom().nextLong());
        this.rpcTimeoutMs = b.rpcTimeoutMs;
        this.commitGraceMs = b.commitGraceMs;
        this.clientName = b.clientName;
        this.coordinator = new RpcClient(b.coordinator, rpcConfig, time, random);
        this.commits = new CommitCoalescer(coordinator, b.commitCallsMax, COMMIT_BATCH_MAX);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Begins a transaction that the coordinator aborts if it is not committed within {@code timeout}. */
    public Transaction begin(Duration timeout) throws TException {
        Check.notNull(timeout, "timeout");
        Check.argument(!timeout.isNegative() && !timeout.isZero(), "timeout must be > 0, was %s", timeout);
        long startMs = time.nowMs();
        BeginResponse r = coordinator.call(Services.COORDINATOR, COORDINATOR,
                (c, remainingMs) -> c.begin(new BeginRequest(Deadlines.forRequest(remainingMs), timeout.toMillis())
                        .setClientName(clientName)),
                rpcTimeoutMs);
        // Counted from before the request, so the local deadline is never later than the coordinator's.
        return new Transaction(this, Wire.fromWire(r.getTxId()), startMs + r.getTxTimeoutMs());
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

    /** What the coordinator says about {@code txId} now. */
    public StatusResult status(TxId txId) throws TException {
        dev.pledge.wire.TxId wireId = Wire.toWire(txId);
        return Outcomes.statusResult(coordinator.call(Services.COORDINATOR, COORDINATOR,
                (c, remainingMs) -> c.status(new StatusRequest(Deadlines.forRequest(remainingMs), wireId)),
                rpcTimeoutMs));
    }

    CommitCoalescer commitCoalescer() {
        return commits;
    }

    RpcClient coordinator() {
        return coordinator;
    }

    RpcClient participant(Endpoint endpoint) {
        RpcClient existing = participants.get(endpoint);
        if (existing != null) return existing;
        Check.state(participants.size() < PARTICIPANT_ENDPOINTS_MAX,
                "more than %s participant endpoints; is an endpoint built per call?", PARTICIPANT_ENDPOINTS_MAX);
        return participants.computeIfAbsent(endpoint, e -> new RpcClient(e, rpcConfig, time, random));
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
        coordinator.close();
        participants.values().forEach(RpcClient::close);
        participants.clear();
    }

    /** Settings of a {@link PledgeClient}; only the coordinator is required. */
    public static final class Builder {
        private Endpoint coordinator;
        private RpcClientConfig rpcConfig = RpcClientConfig.defaults();
        private Clock time = Clock.system();
        private Random random;
        private long rpcTimeoutMs = 5_000;
        private long commitGraceMs = 5_000;
        private String clientName = "pledge-java-sdk";
        private int commitCallsMax = 4;

        private Builder() {}

        public Builder coordinator(Endpoint endpoint) {
            this.coordinator = Check.notNull(endpoint, "coordinator");
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

        /** A name the coordinator writes in its logs. */
        public Builder clientName(String name) {
            this.clientName = Check.notNull(name, "clientName");
            return this;
        }

        public PledgeClient build() {
            Check.argument(coordinator != null, "coordinator endpoint is required");
            return new PledgeClient(this);
        }

        private static long positiveMs(Duration d, String name) {
            Check.notNull(d, name);
            Check.argument(!d.isNegative() && !d.isZero(), "%s must be > 0, was %s", name, d);
            return d.toMillis();
        }
    }
}
