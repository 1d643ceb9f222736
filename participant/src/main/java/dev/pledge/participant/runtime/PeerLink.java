package dev.pledge.participant.runtime;

import dev.pledge.participant.protocol.Event;
import dev.pledge.participant.protocol.Message;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PeerStateRequest;
import dev.pledge.wire.PeerStateResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import org.apache.thrift.TException;

/** Asks peers about an in-doubt branch (cooperative termination) and posts their answers back as events. */
final class PeerLink implements AutoCloseable {
    private static final int THREADS = 4;
    private static final int QUEUE_MAX = 1_000;

    private final String participantId;
    private final Map<String, Endpoint> peers;
    private final RpcClientConfig rpc;
    private final long callMs;
    private final Map<String, RpcClient> clients = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor pool;
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
            RpcClient client = clients.computeIfAbsent(m.peerId(), id -> new RpcClient(endpoint, rpc));
            PeerStateResponse r = client.call(Services.PARTICIPANT, new Participant.Client.Factory(),
                    (c, remainingMs) -> c.peerState(new PeerStateRequest(remainingMs, Wire.toWire(m.txId()), participantId)),
                    callMs);
            answer(m, Wire.fromWire(r.getState()), null);
        } catch (TException | RuntimeException e) {
            answer(m, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void answer(Message.AskPeer m, dev.pledge.core.BranchState state, String error) {
        EventLoop l = loop;
        if (l != null) l.post((now, view) -> new Event.PeerReplied(now, m.txId(), m.peerId(), state, error));
    }

    @Override
    public void close() {
        pool.shutdownNow();
        clients.values().forEach(RpcClient::close);
    }
}
