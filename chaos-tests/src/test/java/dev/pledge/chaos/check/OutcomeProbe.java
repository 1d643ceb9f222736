package dev.pledge.chaos.check;

import dev.pledge.client.PledgeClient;
import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.runtime.Clock;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.ReplicaSetClient;
import dev.pledge.rpc.RpcCaller;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.RpcException;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PeerStateRequest;
import dev.pledge.wire.Unavailable;
import org.apache.thrift.TException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks, after the faults are healed and the workload has stopped, how one transaction ended: the
 * coordinator's status and every participant's own branch state (the peerState call that
 * cooperative termination uses). A participant that never heard of a transaction records and
 * answers ABORTED, which is only harmless once nothing is running, so call this after quiescing.
 */
public final class OutcomeProbe implements AutoCloseable {
    private static final long CALL_MS = 10_000;
    /** How long a node the checker asks may stay unreachable (restarting, electing, breaker open). */
    private static final Duration UNREACHABLE_WAIT_MAX = Duration.ofSeconds(60);
    private static final long UNREACHABLE_PAUSE_MS = 200;
    private static final Participant.Client.Factory PARTICIPANT = new Participant.Client.Factory();

    private final PledgeClient client;
    private final Map<String, RpcCaller> participants = new LinkedHashMap<>();
    private final List<RpcClient> clients = new ArrayList<>();

    public OutcomeProbe(PledgeClient client, Map<String, Endpoint> participantEndpoints) {
        this(client, participantEndpoints, RpcClientConfig.defaults());
    }

    /**
     * Asking with {@code rpc}'s transport. Over TLS a participant answers peerState only to a
     * coordinator or a peer, so {@code rpc} must present one's certificate (the checker asks as the
     * coordinator would).
     */
    public OutcomeProbe(PledgeClient client, Map<String, Endpoint> participantEndpoints, RpcClientConfig rpc) {
        this.client = client;
        participantEndpoints.forEach((id, e) -> participants.put(id, client(e, rpc)));
    }

    /**
     * Asking each participant at whichever of its endpoints leads: {@code replicas} holds one
     * endpoint per unreplicated participant, every replica's for a replicated shard.
     */
    public static OutcomeProbe ofReplicas(PledgeClient client, Map<String, List<Endpoint>> replicas, RpcClientConfig rpc) {
        OutcomeProbe probe = new OutcomeProbe(client, Map.of(), rpc);
        Map<Endpoint, RpcClient> shared = new ConcurrentHashMap<>(); // the checker asks from several threads
        replicas.forEach((id, endpoints) -> probe.participants.put(id, endpoints.size() == 1 ? probe.client(endpoints.get(0), rpc)
                : new ReplicaSetClient(endpoints, e -> shared.computeIfAbsent(e, x -> probe.client(x, rpc)), Clock.system())));
        return probe;
    }

    private synchronized RpcClient client(Endpoint e, RpcClientConfig rpc) {
        RpcClient c = new RpcClient(e, rpc);
        clients.add(c);
        return c;
    }

    public TxState coordinatorState(TxId id) throws TException {
        return patiently(() -> client.status(id).state());
    }

    public BranchState branchState(String participant, TxId id) throws TException {
        RpcCaller rpc = participants.get(participant);
        if (rpc == null) throw new IllegalArgumentException("unknown participant " + participant);
        dev.pledge.wire.TxId wire = Wire.toWire(id);
        return patiently(() -> Wire.fromWire(rpc.call(Services.PARTICIPANT, PARTICIPANT,
                (c, ms) -> c.peerState(new PeerStateRequest(ms, wire, "chaos-checker")), CALL_MS).getState()));
    }

    private interface Question<T> {
        T ask() throws TException;
    }

    /**
     * The answer to {@code q}, asked again while the node is not reachable yet: a node just restarted
     * by the nemesis, a client breaker still open from its fault, a shard still electing. Anything
     * else (an answer, a declared error) counts at once; after {@link #UNREACHABLE_WAIT_MAX} the last
     * transport failure is thrown.
     */
    private static <T> T patiently(Question<T> q) throws TException {
        long giveUpAtNs = System.nanoTime() + UNREACHABLE_WAIT_MAX.toNanos();
        while (true) {
            try {
                return q.ask();
            } catch (RpcException | Unavailable e) {
                if (System.nanoTime() > giveUpAtNs) throw e;
            }
            try {
                Thread.sleep(UNREACHABLE_PAUSE_MS); // the pause between asking again, not a race fix
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RpcException(RpcException.Kind.DEADLINE_EXCEEDED, "interrupted while asking again", e);
            }
        }
    }

    /**
     * The verdict on {@code id}: the decision must be final, agree with what the client was told
     * (an in-doubt one may have gone either way), and every branch in {@code touched} must have
     * ended the same way. The decision is the coordinator's final state, or, when it answers
     * FORGOTTEN (implicit commit: the votes decide, and a restarted coordinator may hold no record),
     * the one state every branch ended in. With {@code askBranches} false only the coordinator is
     * asked, unless it has forgotten.
     */
    public TxVerdict verdict(TxId id, Seen seen, Collection<String> touched, boolean askBranches) throws TException {
        TxState coordinator = coordinatorState(id);
        Map<String, BranchState> branches = new LinkedHashMap<>();
        if (askBranches || coordinator == TxState.FORGOTTEN) {
            for (String p : touched) branches.put(p, branchState(p, id));
        }
        return new TxVerdict(id, seen, coordinator, branches, violation(seen, coordinator, branches));
    }

    static String violation(Seen seen, TxState coordinator, Map<String, BranchState> branches) {
        TxState decided = TxVerdict.decisionOf(coordinator, branches);
        if (decided != TxState.COMMITTED && decided != TxState.ABORTED) {
            return "no final decision (coordinator " + coordinator + ", branches " + branches + ")";
        }
        if (seen == Seen.COMMITTED && decided != TxState.COMMITTED) return "client saw COMMITTED";
        if (seen == Seen.ABORTED && decided != TxState.ABORTED) return "client saw ABORTED";
        BranchState expected = decided == TxState.COMMITTED ? BranchState.COMMITTED : BranchState.ABORTED;
        for (Map.Entry<String, BranchState> b : branches.entrySet()) {
            if (b.getValue() != expected) return b.getKey() + " ended " + b.getValue() + ", not " + expected;
        }
        return null;
    }

    @Override
    public synchronized void close() {
        clients.forEach(RpcClient::close);
    }
}
