package dev.pledge.participant.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pledge.core.TxId;
import dev.pledge.participant.ParticipantNode;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.participant.replication.LoopbackPorts;
import dev.pledge.participant.config.ReplicationSettings;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.ReplicaSetClient;
import dev.pledge.rpc.RpcCaller;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.runtime.Clock;
import dev.pledge.wire.AbortReason;
import dev.pledge.wire.Admin;
import dev.pledge.wire.InDoubtBranch;
import dev.pledge.wire.InDoubtRequest;
import dev.pledge.wire.Kv;
import dev.pledge.wire.NotAllowed;
import dev.pledge.wire.PrepareResponse;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.TxState;
import dev.pledge.wire.Unavailable;
import dev.pledge.wire.Vote;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.thrift.TException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Participant "A" as a shard of three real nodes in one JVM: Raft over loopback gRPC, Thrift over
 * loopback, a RocksDB each, and a scripted coordinator.
 */
@Timeout(120)
class ReplicatedShardNodeTest {
    private static final long CALL_MS = 10_000;
    private static final Duration LEADER_WAIT_MAX = Duration.ofSeconds(30);
    /** Short elections for the suite, long enough that a loaded two-core machine keeps its leader. */
    private static final ReplicationSettings SETTINGS =
            new ReplicationSettings(300, 600, 3_000, 20, 10_000, 8L * 1024 * 1024, 1024);
    private static final List<String> IDS = List.of("r1", "r2", "r3");

    @TempDir
    Path dir;
    private ScriptedCoordinator coordinator;
    private final Map<String, ParticipantConfig.Replica> replicas = new LinkedHashMap<>();
    private final Map<String, ParticipantNode> nodes = new ConcurrentHashMap<>();
    private final Map<Endpoint, RpcClient> clients = new ConcurrentHashMap<>();
    private RpcCaller shard;

    @BeforeEach
    void start() throws Exception {
        coordinator = new ScriptedCoordinator();
        for (String id : IDS) {
            replicas.put(id, new ParticipantConfig.Replica(new Endpoint("127.0.0.1", LoopbackPorts.free()),
                    new Endpoint("127.0.0.1", LoopbackPorts.free())));
        }
        for (String id : IDS) startNode(id);
        shard = new ReplicaSetClient(replicas.values().stream().map(ParticipantConfig.Replica::rpc).toList(), this::client,
                Clock.system());
    }

    @AfterEach
    void stop() {
        stopNodes(List.copyOf(nodes.keySet()));
        clients.values().forEach(RpcClient::close);
        coordinator.close();
    }

    @Test
    void onlyTheLeaderServesAndTheOtherReplicasNameItsAddress() throws Exception {
        String leader = awaitLeader();

        put(shard, tx(1), 1, "student:7", "enrolled");
        assertThat(PhaseCalls.prepare(shard, tx(1), nodes.get(leader).incarnation(), CALL_MS).getVote()).isEqualTo(Vote.YES);

        for (String id : IDS) {
            if (id.equals(leader)) continue;
            assertThat(nodes.get(id).serving()).isFalse();
            assertThatThrownBy(() -> put(client(rpc(id)), tx(2), 1, "student:8", "enrolled"))
                    .isInstanceOfSatisfying(Unavailable.class,
                            u -> assertThat(u.getLeaderHint()).isEqualTo(rpc(leader).toString()));
            assertThatThrownBy(() -> PhaseCalls.prepare(client(rpc(id)), tx(1), nodes.get(leader).incarnation(), CALL_MS))
                    .as("the coordinators' exchange, served inline, is refused the same way")
                    .isInstanceOfSatisfying(Unavailable.class,
                            u -> assertThat(u.getLeaderHint()).isEqualTo(rpc(leader).toString()));
        }
    }

    @Test
    void aNewLeaderRecoversAsARestartedParticipant() throws Exception {
        String first = awaitLeader();
        long firstIncarnation = nodes.get(first).incarnation();
        put(shard, tx(1), 1, "student:7", "enrolled");
        assertThat(PhaseCalls.prepare(shard, tx(1), firstIncarnation, CALL_MS).getVote()).isEqualTo(Vote.YES);
        put(shard, tx(2), 1, "student:8", "enrolled");

        stopNodes(List.of(first));
        String second = awaitLeader();

        assertThat(nodes.get(second).incarnation()).isGreaterThan(firstIncarnation);
        PrepareResponse unprepared = PhaseCalls.prepare(shard, tx(2), firstIncarnation, CALL_MS);
        assertThat(unprepared.getVote()).as("a branch enlisted with the old leader is gone").isEqualTo(Vote.NO);
        assertThat(unprepared.getReason()).isEqualTo(AbortReason.UNKNOWN_BRANCH);
        assertThatThrownBy(() -> put(shard, tx(5), 1, "student:7", "other"))
                .as("the prepared branch holds its lock at the new leader")
                .isInstanceOf(NotAllowed.class)
                .hasMessageContaining("LOCK_TIMEOUT");
        List<InDoubtBranch> inDoubt = shard.call(Services.ADMIN, new Admin.Client.Factory(),
                (c, ms) -> c.listInDoubt(new InDoubtRequest(ms)), CALL_MS);
        assertThat(inDoubt).extracting(b -> Wire.fromWire(b.getTxId())).containsExactly(tx(1));

        coordinator.statuses.put(tx(1), TxState.COMMITTED);
        AtomicInteger nextTx = new AtomicInteger(100);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(NotAllowed.class)
                .until(() -> "enrolled".equals(get(shard, tx(nextTx.incrementAndGet()), "student:7")));
    }

    @Test
    void aLeaderCutOffFromItsMajorityVotesNothingAndStopsServing() throws Exception {
        String leader = awaitLeader();
        RpcClient leaderOnly = new RpcClient(rpc(leader), RpcClientConfig.defaults().withMaxAttempts(1));
        clients.put(new Endpoint("leader-only", 1), leaderOnly);
        long incarnation = nodes.get(leader).incarnation();
        put(leaderOnly, tx(1), 1, "student:7", "enrolled");

        stopNodes(IDS.stream().filter(id -> !id.equals(leader)).toList());

        // A branch it never saw gets an unsynced NO from a leader's core; from this one, which may
        // not know yet that it leads no more, it must get nothing (another leader may hold it PREPARED).
        assertThatThrownBy(() -> PhaseCalls.prepare(leaderOnly, tx(9), incarnation, CALL_MS))
                .as("a leader that cannot confirm it leads answers no exchange").isInstanceOf(Unavailable.class);
        Vote vote;
        try {
            vote = PhaseCalls.prepare(leaderOnly, tx(1), incarnation, CALL_MS).getVote();
        } catch (TException refused) {
            vote = null;
        }
        assertThat(vote).as("no YES can be durable without a majority").isNotEqualTo(Vote.YES);
        await().atMost(Duration.ofMillis(4 * SETTINGS.electionTimeoutMaxMs())).until(() -> !nodes.get(leader).serving());
        assertThatThrownBy(() -> get(leaderOnly, tx(2), "student:7")).isInstanceOf(Unavailable.class);
    }

    private String awaitLeader() {
        return await().atMost(LEADER_WAIT_MAX).until(() -> {
            List<String> serving = nodes.entrySet().stream().filter(e -> e.getValue().serving()).map(Map.Entry::getKey).toList();
            return serving.size() == 1 ? serving.get(0) : null;
        }, id -> id != null);
    }

    private void startNode(String id) throws Exception {
        ParticipantConfig config = ParticipantConfig.defaults("A", rpc(id), dir.resolve(id),
                        new Endpoint("127.0.0.1", coordinator.port()))
                .withInDoubtPollMs(10, 100)
                .withRpcClient(RpcClientConfig.defaults().withBackoff(5, 50))
                .withReplication(new ParticipantConfig.Replication(id, replicas, SETTINGS, true));
        nodes.put(id, new ParticipantNode(config).start());
    }

    /** Stops nodes together: a Ratis server takes seconds to close its channels. */
    private void stopNodes(List<String> ids) {
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        for (String id : ids) {
            ParticipantNode n = nodes.remove(id);
            if (n != null) stopping.add(CompletableFuture.runAsync(n::stop));
        }
        CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).join();
    }

    private Endpoint rpc(String id) {
        return replicas.get(id).rpc();
    }

    private RpcClient client(Endpoint e) {
        return clients.computeIfAbsent(e, x -> new RpcClient(x, RpcClientConfig.defaults().withBackoff(5, 50)));
    }

    private static TxId tx(long seq) {
        return new TxId("coord-1", 1, seq);
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void put(RpcCaller client, TxId tx, long opSeq, String key, String value) throws TException {
        client.call(Services.KV, new Kv.Client.Factory(), (c, ms) -> {
            c.put(new TxContext(Wire.toWire(tx), opSeq, ms), bytes(key), bytes(value));
            return null;
        }, CALL_MS);
    }

    private static String get(RpcCaller client, TxId tx, String key) throws TException {
        byte[] v = client.call(Services.KV, new Kv.Client.Factory(),
                (c, ms) -> c.get(new TxContext(Wire.toWire(tx), 1, ms), bytes(key)), CALL_MS).getValue();
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }
}
