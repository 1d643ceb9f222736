package dev.pledge.mitigation;

import dev.pledge.auth.OperatorToken;
import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.core.TxId;
import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.demo.launch.NodeProcess;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Admin;
import dev.pledge.wire.InDoubtBranch;
import dev.pledge.wire.InDoubtRequest;
import dev.pledge.wire.OperatorCredential;
import dev.pledge.wire.ResolveRequest;
import dev.pledge.wire.ResolveResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.thrift.TException;

/**
 * A coordinator and key-value participants as real processes (LocalCluster), plus what the
 * mitigation scenarios ask of them: admin calls, the HTTP endpoints, and the blocking figure.
 */
final class MitigationCluster implements AutoCloseable {
    static final Duration START_WAIT = Duration.ofSeconds(60);
    static final Duration RESOLVE_WAIT = Duration.ofSeconds(90);
    private static final Pattern METRICS_LINE = Pattern.compile("metrics on http://([^\\s:/]+):(\\d+)/metrics");
    private static final long ADMIN_CALL_MS = 20_000;

    final LocalCluster cluster;
    final PledgeClient client;
    private final RpcClientConfig adminRpc = RpcClientConfig.defaults().withMaxAttempts(2);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * Participants poll the coordinator about in-doubt branches with {@code pollMaxMs} as the cap of
     * their backoff, so cooperative termination starts within about that long after the coordinator is lost.
     */
    MitigationCluster(Path root, List<String> participantIds, List<String> coordinatorArgs, List<String> participantArgs) {
        this(root, participantIds, 1, coordinatorArgs, participantArgs);
    }

    /** As above with {@code coordinators} coordinators running at once; the client spreads over all of them. */
    MitigationCluster(Path root, List<String> participantIds, int coordinators, List<String> coordinatorArgs,
                      List<String> participantArgs) {
        List<LocalCluster.ParticipantSpec> specs = participantIds.stream()
                .map(id -> new LocalCluster.ParticipantSpec(id, LocalCluster.KV_PARTICIPANT_MAIN, participantArgs)).toList();
        this.cluster = new LocalCluster(root, "127.0.0.1", 0, coordinatorArgs, specs, Map.of(), null)
                .withCoordinators(coordinators, List.of());
        this.client = PledgeClient.builder().coordinators(cluster.coordinators()).commitGrace(Duration.ofSeconds(20))
                .build();
    }

    /** Defines the cluster and starts every node, the coordinator with {@code coordinatorFailpoints}. */
    static MitigationCluster started(Path root, List<String> participantIds, List<String> coordinatorArgs,
                                     List<String> participantArgs, String... coordinatorFailpoints) {
        MitigationCluster c = new MitigationCluster(root, participantIds, coordinatorArgs, participantArgs);
        c.cluster.startCoordinator(coordinatorFailpoints);
        participantIds.forEach(c.cluster::startParticipant);
        return c;
    }

    /** Waits until the coordinator is frozen at {@code failpoint}, SIGKILLs it, and answers when (nanoTime). */
    long killCoordinatorAt(String failpoint) {
        awaitFailpoint(failpoint);
        node(LocalCluster.COORDINATOR).kill9();
        return System.nanoTime();
    }

    void awaitFailpoint(String failpoint) {
        node(LocalCluster.COORDINATOR).awaitLine(Pattern.compile("FAILPOINT " + Pattern.quote(failpoint) + " reached"),
                START_WAIT);
    }

    /** Begins a transaction, writes {@code key=value} at each of {@code participants}, commits in the background. */
    Transaction commitInBackground(byte[] key, byte[] value, List<String> participants) throws TException {
        Transaction tx = client.begin(Duration.ofSeconds(60));
        writeAndCommitAsync(tx, key, value, participants);
        return tx;
    }

    static List<String> fastPolling() {
        return List.of("--in-doubt-poll-base-ms", "100", "--in-doubt-poll-max-ms", "1000");
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    Endpoint participant(String id) {
        return cluster.participant(id);
    }

    NodeProcess node(String name) {
        return cluster.node(name);
    }

    /** Writes {@code key=value} on each participant, then commits in the background (null: in doubt). */
    CompletableFuture<dev.pledge.client.CommitResult> writeAndCommitAsync(Transaction tx, byte[] key, byte[] value,
                                                                           List<String> participants) throws TException {
        for (String p : participants) tx.kv(participant(p)).put(key, value);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return tx.commit();
            } catch (Exception e) {
                return null; // in doubt or unreachable: the scenario checks the nodes, not this answer
            }
        });
    }

    List<InDoubtBranch> inDoubt(String participantId, boolean includeHeuristic) throws TException {
        return inDoubtAt(participant(participantId), includeHeuristic);
    }

    /** Admin.listInDoubt of any node: a participant's branches, or a coordinator's damaged transactions. */
    List<InDoubtBranch> inDoubtAt(Endpoint node, boolean includeHeuristic) throws TException {
        try (RpcClient admin = new RpcClient(node, adminRpc)) {
            return admin.call(Services.ADMIN, new Admin.Client.Factory(), (c, ms) -> {
                InDoubtRequest req = new InDoubtRequest(ms);
                req.setIncludeHeuristic(includeHeuristic);
                return c.listInDoubt(req);
            }, ADMIN_CALL_MS);
        }
    }

    /** The branch of {@code txId} as {@code participantId} lists it (PREPARED or HEURISTIC_*), or null. */
    InDoubtBranch branch(String participantId, TxId txId) throws TException {
        for (InDoubtBranch b : inDoubt(participantId, true)) {
            if (Wire.fromWire(b.getTxId()).equals(txId)) return b;
        }
        return null;
    }

    boolean isInDoubt(String participantId, TxId txId) throws TException {
        InDoubtBranch b = branch(participantId, txId);
        return b != null && (!b.isSetState() || b.getState() == dev.pledge.wire.BranchState.PREPARED);
    }

    /** The participants holding {@code txId} in doubt right now. */
    List<String> inDoubtAmong(List<String> participants, TxId txId) throws TException {
        List<String> out = new ArrayList<>();
        for (String p : participants) if (isInDoubt(p, txId)) out.add(p);
        return out;
    }

    /** Admin.resolve as operator "chaos-test", with the cluster's operator token. */
    ResolveResponse resolve(String participantId, TxId txId, boolean commit) throws TException, IOException {
        OperatorCredential operator = new OperatorCredential("chaos-test")
                .setToken(OperatorToken.read(cluster.operatorTokenFile()));
        try (RpcClient admin = new RpcClient(participant(participantId), adminRpc)) {
            return admin.call(Services.ADMIN, new Admin.Client.Factory(),
                    (c, ms) -> c.resolve(new ResolveRequest(ms, Wire.toWire(txId), commit, true).setOperator(operator)),
                    ADMIN_CALL_MS);
        }
    }

    Map<String, Long> stats(Endpoint node) throws TException {
        try (RpcClient admin = new RpcClient(node, adminRpc)) {
            return admin.call(Services.ADMIN, new Admin.Client.Factory(), (c, ms) -> c.stats(), ADMIN_CALL_MS).getCounters();
        }
    }

    /** Where a node serves /metrics and /health, from the line it prints once they are up. */
    Endpoint metricsOf(String nodeName) {
        Matcher m = METRICS_LINE.matcher(node(nodeName).awaitLine(METRICS_LINE, START_WAIT));
        if (!m.find()) throw new IllegalStateException("no metrics line from " + nodeName);
        return new Endpoint(m.group(1), Integer.parseInt(m.group(2)));
    }

    /** GET {@code path}: the status code and body. */
    HttpAnswer get(Endpoint node, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + node + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new HttpAnswer(r.statusCode(), r.body());
    }

    record HttpAnswer(int status, String body) {}

    /** The value of {@code key} at {@code participantId} in a fresh transaction (needs the coordinator). */
    byte[] read(String participantId, byte[] key) throws Exception {
        try (Transaction tx = client.begin(Duration.ofSeconds(5))) {
            byte[] value = tx.kv(participant(participantId)).get(key);
            tx.commit();
            return value;
        }
    }

    /**
     * Waits until none of {@code participants} holds {@code txId} in doubt any more, and answers for
     * each how many ms after {@code sinceNanos} it was first seen resolved (to within a poll).
     */
    Map<String, Long> awaitResolved(TxId txId, List<String> participants, long sinceNanos, Duration timeout) {
        Map<String, Long> resolvedMs = new java.util.LinkedHashMap<>();
        org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
            for (String p : participants) {
                if (!resolvedMs.containsKey(p) && !isInDoubt(p, txId)) {
                    resolvedMs.put(p, (System.nanoTime() - sinceNanos) / 1_000_000);
                }
            }
            return resolvedMs.size() == participants.size();
        });
        return resolvedMs;
    }

    /** True once {@code participantId} asked every peer about {@code txId} and each said PREPARED. */
    boolean peersAllSayPrepared(String participantId, TxId txId) throws TException {
        InDoubtBranch b = branch(participantId, txId);
        if (b == null || b.getPeers().size() < b.getParticipants().size() - 1) return false;
        return b.getPeers().stream().allMatch(v -> v.getState() == dev.pledge.wire.BranchState.PREPARED && !v.isSetError());
    }

    /**
     * Waits until a fresh transaction reads {@code expected} (null = absent) at {@code participantId}.
     * Reads fail meanwhile while the participant's breaker towards a restarted coordinator cools down.
     */
    void awaitValue(String participantId, byte[] key, byte[] expected) {
        org.awaitility.Awaitility.await().atMost(RESOLVE_WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> java.util.Arrays.equals(read(participantId, key), expected));
    }

    /** The figure the closing note quotes: how long a branch stayed blocked. Printed, never asserted. */
    static void reportBlocked(String scenario, String participantId, long blockedMs) {
        System.out.println("BLOCKED-FOR scenario=" + scenario + " participant=" + participantId + " ms=" + blockedMs);
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Override
    public void close() {
        client.close();
        cluster.close();
    }
}
