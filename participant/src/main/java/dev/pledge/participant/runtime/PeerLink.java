package dev.pledge.participant.runtime;

import dev.pledge.runtime.Threads;
import dev.pledge.participant.protocol.Event;
import dev.pledge.participant.protocol.Message;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.ReplicaSetClient;
import dev.pledge.rpc.RpcCaller;
import dev.pledge.rpc.RpcClient;
import dev.pledge.runtime.Clock;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PeerStateRequest;
import dev.pledge.wire.PeerStateResponse;
import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.tls.ExpectedServer;
import dev.pledge.tls.Role;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.thrift.TException;

/**
 * Asks peers about an in-doubt branch (cooperative termination) and posts their answers back as
 * events. A peer that is one replica of a replicated shard and names its leader is asked there.
 */
final class PeerLink implements AutoCloseable {
    private static final int THREADS = 4;
    private static final int QUEUE_MAX = 1_000;

    private final String participantId;
    private final Map<String, Endpoint> peers;
    private final RpcClientConfig rpc;
    private final long callMs;
    private final Map<Endpoint, RpcClient> clients = new ConcurrentHashMap<>();
    private final Map<String, RpcCaller> callers = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor pool;
    private final AtomicLong cooperativeTerminations = new AtomicLong();
    private volatile EventLoop loop;

    PeerLink(String participantId, Map<String, Endpoint> peers, RpcClientConfig rpc, long callMs) {
        this.participantId = participantId;
        this.peers = Map.copyOf(peers);
        this.rpc = rpc;
        this.callMs = callMs;
        this.pool = Threads.boundedPool("participant-" + participantId + "-peer-link", THREADS, QUEUE_MAX);
    }

    void attach(EventLoop loop) {
        this.loop = loop;
    }

    void ask(Message.AskPeer m) {
        Endpoint endpoint = peers.get(m.peerId());
        if (endpoint == null) {
            answer(m, null, "no address configured for peer " + m.peerId());
            return;
        }
        try {
            pool.execute(() -> call(m, endpoint));
        } catch (RejectedExecutionException full) {
            answer(m, null, "too many pending peer calls");
        }
    }

    private void call(Message.AskPeer m, Endpoint endpoint) {
        try {
            answer(m, askNow(m.txId(), m.peerId(), endpoint, callMs), null);
        } catch (TException | RuntimeException e) {
            answer(m, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Asks one peer now, on the caller's thread (operators' resolve); null endpoint = not configured. */
    BranchState askNow(TxId txId, String peerId, long waitMs) throws TException {
        Endpoint endpoint = peers.get(peerId);
        if (endpoint == null) throw new IllegalArgumentException("no address configured for peer " + peerId);
        return askNow(txId, peerId, endpoint, waitMs);
    }

    private BranchState askNow(TxId txId, String peerId, Endpoint endpoint, long waitMs) throws TException {
        RpcCaller client = callers.computeIfAbsent(peerId, id -> new ReplicaSetClient(List.of(endpoint),
                e -> clients.computeIfAbsent(e, x -> new RpcClient(x, ExpectedServer.dialling(rpc, Role.PARTICIPANT, id))),
                Clock.system()));
        PeerStateResponse r = client.call(Services.PARTICIPANT, new Participant.Client.Factory(),
                (c, remainingMs) -> c.peerState(new PeerStateRequest(remainingMs, Wire.toWire(txId), participantId)),
                waitMs);
        return Wire.fromWire(r.getState());
    }

    private void answer(Message.AskPeer m, BranchState state, String error) {
        EventLoop l = loop;
        if (l == null) return;
        l.postInternal((now, view) -> {
            // Counted here, where the core's view says whether this answer is what ends the wait.
            boolean decides = state == BranchState.COMMITTED || state == BranchState.ABORTED;
            if (decides && view.branchState(m.txId()) == BranchState.PREPARED) cooperativeTerminations.incrementAndGet();
            return new Event.PeerReplied(now, m.txId(), m.peerId(), state, error);
        });
    }

    /** Prepared branches this node decided from a peer's answer while the coordinator was away. */
    long cooperativeTerminations() {
        return cooperativeTerminations.get();
    }

    @Override
    public void close() {
        pool.shutdownNow();
        clients.values().forEach(RpcClient::close);
    }
}
