package dev.pledge.coordinator.runtime;

import dev.pledge.coordinator.protocol.Event;
import dev.pledge.coordinator.protocol.Message;
import dev.pledge.core.BranchState;
import dev.pledge.failpoint.Failpoints;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.TimeSource;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Ack;
import dev.pledge.wire.DecisionRequest;
import dev.pledge.wire.OnePhaseRequest;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PeerStateRequest;
import dev.pledge.wire.PrepareRequest;
import dev.pledge.wire.PrepareResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.thrift.TException;

/**
 * Calls participants over Thrift on a bounded pool, one RpcClient per configured participant (the
 * client retries transport failures inside the call's deadline), and posts each result back as
 * an event. A message that cannot be queued is reported as failed, so the core retries it.
 */
final class ParticipantSender implements MessageSender {
    /**
     * Crash point: a participant acknowledged a commit. With one sender thread
     * ({@code --sender-threads-max 1}) the first hit comes before any other commit message leaves.
     */
    static final String FAILPOINT_COMMIT_FIRST_DELIVERED = "coordinator.commit.first-delivered";
    /**
     * Crash point: a participant voted YES. With one sender thread the first hit comes before any
     * other prepare leaves, so the other participants have not voted.
     */
    static final String FAILPOINT_PREPARE_FIRST_VOTED = "coordinator.prepare.first-voted";
    private static final int QUEUED_CALLS_MAX = 10_000;

    private final String nodeId;
    private final Map<String, RpcClient> clients = new TreeMap<>();
    private final long callTimeoutMs;
    private final Consumer<Event> results;
    private final TimeSource time;
    private final ThreadPoolExecutor pool;
    final AtomicLong callsSent = new AtomicLong();
    final AtomicLong callsFailed = new AtomicLong();

    ParticipantSender(String nodeId, Map<String, Endpoint> participants, RpcClientConfig rpc, long callTimeoutMs,
                      int threadsMax, Consumer<Event> results, TimeSource time) {
        this.nodeId = nodeId;
        participants.forEach((id, endpoint) -> clients.put(id, new RpcClient(endpoint, rpc)));
        this.callTimeoutMs = callTimeoutMs;
        this.results = results;
        this.time = time;
        AtomicInteger threadNumber = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threadsMax, threadsMax, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED_CALLS_MAX), r -> {
                    Thread t = new Thread(r, nodeId + "-send-" + threadNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public void send(Message message) {
        try {
            pool.execute(() -> results.accept(deliver(message)));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            results.accept(failed(message, "send queue full or closed"));
        }
    }

    private Event deliver(Message m) {
        RpcClient client = clients.get(m.participantId());
        if (client == null) return failed(m, "no address configured for participant " + m.participantId());
        callsSent.incrementAndGet();
        try {
            return call(client, m);
        } catch (TException | RuntimeException e) {
            callsFailed.incrementAndGet();
            return failed(m, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private Event call(RpcClient client, Message m) throws TException {
        var factory = new Participant.Client.Factory();
        var tx = Wire.toWire(m.txId());
        String pid = m.participantId();
        if (m instanceof Message.Prepare p) {
            PrepareResponse r = client.call(Services.PARTICIPANT, factory, (c, remainingMs) -> c.prepare(
                    new PrepareRequest(remainingMs, tx, p.participants(), p.incarnation())), callTimeoutMs);
            if (r.getVote() == dev.pledge.wire.Vote.YES) Failpoints.hit(FAILPOINT_PREPARE_FIRST_VOTED);
            return new Event.VoteReceived(time.nowMs(), m.txId(), pid, Wire.fromWire(r.getVote()),
                    r.isSetReason() ? Wire.fromWire(r.getReason()) : null, r.getMessage());
        }
        if (m instanceof Message.Commit || m instanceof Message.Abort) {
            boolean commit = m instanceof Message.Commit;
            Ack ack = client.call(Services.PARTICIPANT, factory, (c, remainingMs) -> commit
                    ? c.commit(new DecisionRequest(remainingMs, tx)) : c.abort(new DecisionRequest(remainingMs, tx)),
                    callTimeoutMs);
            if (commit) Failpoints.hit(FAILPOINT_COMMIT_FIRST_DELIVERED);
            return new Event.Acked(time.nowMs(), m.txId(), pid); // any Ack state: the branch has the decision
        }
        if (m instanceof Message.CommitOnePhase o) {
            Ack ack = client.call(Services.PARTICIPANT, factory, (c, remainingMs) -> c.commitOnePhase(
                    new OnePhaseRequest(remainingMs, tx, o.incarnation())), callTimeoutMs);
            return onePhase(m, Wire.fromWire(ack.getState()));
        }
        if (m instanceof Message.AskBranch) {
            var r = client.call(Services.PARTICIPANT, factory, (c, remainingMs) -> c.peerState(
                    new PeerStateRequest(remainingMs, tx, nodeId)), callTimeoutMs);
            return onePhase(m, Wire.fromWire(r.getState()));
        }
        throw new IllegalArgumentException("unknown message " + m);
    }

    private Event onePhase(Message m, BranchState state) {
        Event.OnePhaseOutcome outcome = switch (state) {
            case COMMITTED, HEURISTIC_COMMITTED -> Event.OnePhaseOutcome.COMMITTED;
            case ABORTED, HEURISTIC_ABORTED -> Event.OnePhaseOutcome.ABORTED;
            default -> Event.OnePhaseOutcome.UNKNOWN;
        };
        return new Event.OnePhaseResult(time.nowMs(), m.txId(), m.participantId(), outcome);
    }

    private Event failed(Message m, String error) {
        long nowMs = time.nowMs();
        if (m instanceof Message.Prepare) return new Event.PrepareFailed(nowMs, m.txId(), m.participantId(), error);
        if (m instanceof Message.CommitOnePhase || m instanceof Message.AskBranch) {
            return new Event.OnePhaseResult(nowMs, m.txId(), m.participantId(), Event.OnePhaseOutcome.UNKNOWN);
        }
        return new Event.DeliveryFailed(nowMs, m.txId(), m.participantId(), error);
    }

    @Override
    public void close() {
        pool.shutdownNow();
        clients.values().forEach(RpcClient::close);
    }
}
