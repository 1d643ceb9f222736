package dev.pledge.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.testkit.DedupKv;
import dev.pledge.testkit.ManualTime;
import dev.pledge.testkit.TestServers;
import dev.pledge.wire.Kv;
import dev.pledge.wire.KvGetResponse;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.TxId;
import dev.pledge.wire.Unavailable;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.thrift.TMultiplexedProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A replicated participant is called at whichever replica leads; followers only point the way. */
class ReplicaSetClientTest {
    private static final TxId TX = new TxId("coord-1", 7, 1);
    private final ManualTime time = new ManualTime(0);
    private final Map<Endpoint, RpcClient> clients = new ConcurrentHashMap<>();
    private final List<RpcServer> servers = new java.util.ArrayList<>();

    @AfterEach
    void close() {
        clients.values().forEach(RpcClient::close);
        servers.forEach(RpcServer::close);
    }

    @Test
    void aFollowerHintSendsTheCallToTheLeaderAndTheLeaderIsAskedFirstNextTime() throws Exception {
        DedupKv leaderKv = new DedupKv();
        Endpoint leader = serve(leaderKv);
        Follower follower = new Follower(leader.toString());
        Endpoint followerAt = serve(follower);
        ReplicaSetClient client = new ReplicaSetClient(List.of(followerAt, leader), this::client, time);

        put(client, 1);
        put(client, 2);

        assertThat(leaderKv.invokedOpSeqs()).containsExactly(1L, 2L);
        assertThat(follower.calls.get()).as("a hinted Unavailable is not retried at the follower").isEqualTo(1);
    }

    @Test
    void aReplicaThatCannotBeReachedIsPassedOver() throws Exception {
        DedupKv leaderKv = new DedupKv();
        Endpoint leader = serve(leaderKv);
        Endpoint goneAt = unreachable();
        ReplicaSetClient client = new ReplicaSetClient(List.of(goneAt, leader), this::client, time);

        put(client, 1);

        assertThat(leaderKv.invokedOpSeqs()).containsExactly(1L);
    }

    @Test
    void aHintNamingAReplicaThatCouldNotBeReachedIsNotFollowed() throws Exception {
        DedupKv leaderKv = new DedupKv();
        Endpoint leader = serve(leaderKv);
        Endpoint goneAt = unreachable();
        Follower stale = new Follower(goneAt.toString());
        Endpoint staleAt = serve(stale);
        ReplicaSetClient client = new ReplicaSetClient(List.of(goneAt, staleAt, leader), this::client, time);

        put(client, 1);

        assertThat(leaderKv.invokedOpSeqs()).containsExactly(1L);
        assertThat(stale.calls.get()).isEqualTo(1);
    }

    @Test
    void followersNamingEachOtherEndTheCallAfterBoundedHops() {
        Follower a = new Follower(null);
        Follower b = new Follower(null);
        Endpoint aAt = serve(a);
        Endpoint bAt = serve(b);
        a.hint = bAt.toString();
        b.hint = aAt.toString();
        ReplicaSetClient client = new ReplicaSetClient(List.of(aAt, bAt), this::client, time);

        assertThatThrownBy(() -> put(client, 1)).isInstanceOf(Unavailable.class);
        assertThat(a.calls.get() + b.calls.get()).isEqualTo(ReplicaSetClient.ROUNDS_MAX * 2);
    }

    /** The address of a server that has stopped: connections are refused. */
    private static Endpoint unreachable() {
        RpcServer gone = TestServers.start(new TMultiplexedProcessor(), new DedupKv(), null);
        gone.close();
        return TestServers.endpoint(gone);
    }

    private RpcClient client(Endpoint e) {
        return clients.computeIfAbsent(e, x -> new RpcClient(x, RpcClientConfig.defaults(), time, new Random(1)));
    }

    private Endpoint serve(Kv.Iface kv) {
        RpcServer server = TestServers.start(new TMultiplexedProcessor(), kv, null);
        servers.add(server);
        return TestServers.endpoint(server);
    }

    private static void put(RpcCaller caller, long opSeq) throws Exception {
        caller.call(Services.KV, new Kv.Client.Factory(), (c, remainingMs) -> {
            c.put(new TxContext(TX, opSeq, remainingMs), ByteBuffer.wrap(new byte[] {1}), ByteBuffer.wrap(new byte[] {2}));
            return null;
        }, 10_000);
    }

    /** A replica that does not lead: every call is Unavailable, naming {@link #hint}. */
    private static final class Follower implements Kv.Iface {
        final AtomicInteger calls = new AtomicInteger();
        volatile String hint;

        Follower(String hint) {
            this.hint = hint;
        }

        private Unavailable refuse() {
            calls.incrementAndGet();
            return new Unavailable("not the leader").setLeaderHint(hint);
        }

        @Override
        public KvGetResponse get(TxContext ctx, ByteBuffer key) throws Unavailable {
            throw refuse();
        }

        @Override
        public void put(TxContext ctx, ByteBuffer key, ByteBuffer value) throws Unavailable {
            throw refuse();
        }

        @Override
        public void remove(TxContext ctx, ByteBuffer key) throws Unavailable {
            throw refuse();
        }
    }
}
