package dev.pledge.client;

import dev.pledge.core.Check;
import dev.pledge.core.TxId;
import dev.pledge.rpc.RpcException;
import dev.pledge.rpc.ThriftCall;
import dev.pledge.runtime.Clock;
import dev.pledge.wire.Coordinator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.thrift.TException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinators one client talks to. New work (begin, buffered commits) is spread over them
 * round-robin, those that failed recently last. Work on an existing transaction goes to the
 * coordinator that issued it: the node id in its TxId, mapped to an endpoint from begin and
 * commitWrites answers.
 */
final class Coordinators implements AutoCloseable {
    static final int COORDINATORS_MAX = 64;
    /** Node ids remembered; ids beyond it are simply not routed to their issuer first. */
    static final int NODE_IDS_MAX = 1024;
    private static final Logger log = LoggerFactory.getLogger(Coordinators.class);

    private final List<CoordinatorClient> all;
    private final Clock time;
    private final AtomicInteger next = new AtomicInteger();
    private final Map<String, CoordinatorClient> byNodeId = new ConcurrentHashMap<>();

    Coordinators(List<CoordinatorClient> all, Clock time) {
        Check.argument(!all.isEmpty() && all.size() <= COORDINATORS_MAX,
                "between 1 and %s coordinators, were %s", COORDINATORS_MAX, all.size());
        Check.argument(new HashSet<>(all.stream().map(CoordinatorClient::endpoint).toList()).size() == all.size(),
                "a coordinator endpoint is listed twice");
        this.all = List.copyOf(all);
        this.time = time;
    }

    int size() {
        return all.size();
    }

    /** Every coordinator, starting with the next in round-robin order; those that failed recently come last. */
    List<CoordinatorClient> spread() {
        int start = Math.floorMod(next.getAndIncrement(), all.size());
        List<CoordinatorClient> order = new ArrayList<>(all.size());
        List<CoordinatorClient> suspects = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            CoordinatorClient c = all.get((start + i) % all.size());
            if (c.failedRecently()) suspects.add(c);
            else order.add(c);
        }
        order.addAll(suspects);
        return order;
    }

    /** The coordinator that issued {@code txId}, if this client has seen it answer for that node id. */
    Optional<CoordinatorClient> issuer(TxId txId) {
        return Optional.ofNullable(byNodeId.get(txId.coordinatorId()));
    }

    /** The issuer of {@code txId} first, if known, then the others in {@link #spread} order. */
    List<CoordinatorClient> issuerFirst(TxId txId) {
        List<CoordinatorClient> order = spread();
        issuer(txId).ifPresent(issuer -> {
            order.remove(issuer);
            order.add(0, issuer);
        });
        return order;
    }

    /** Every coordinator but {@code issuer}, in {@link #spread} order. */
    List<CoordinatorClient> others(CoordinatorClient issuer) {
        List<CoordinatorClient> order = spread();
        order.remove(issuer);
        return order;
    }

    /** {@code issuer} answered with {@code txId}: its node id is at that endpoint. */
    void learn(TxId txId, CoordinatorClient issuer) {
        String nodeId = txId.coordinatorId();
        if (byNodeId.get(nodeId) == issuer) return;
        if (byNodeId.size() >= NODE_IDS_MAX && !byNodeId.containsKey(nodeId)) return;
        byNodeId.put(nodeId, issuer);
    }

    /**
     * {@code call} at the first of {@code order} that answers, each given an even share of what is
     * left of {@code timeoutMs} (so one that hangs cannot use up the others' time). A coordinator
     * that cannot be reached or answers Unavailable passes the call to the next; any other answer
     * is returned or thrown. Only for calls that are safe to make at a second coordinator after the
     * first may have acted on them (begin: an orphan holds nothing and aborts at its deadline).
     */
    <R> Answer<R> callAny(List<CoordinatorClient> order, ThriftCall<Coordinator.Client, R> call, long timeoutMs)
            throws TException {
        long deadlineAtMs = time.nowMs() + timeoutMs;
        TException last = null;
        for (int i = 0; i < order.size(); i++) {
            long shareMs = (deadlineAtMs - time.nowMs()) / (order.size() - i);
            if (shareMs <= 0) break;
            CoordinatorClient c = order.get(i);
            try {
                return new Answer<>(c, c.call(call, shareMs));
            } catch (TException e) {
                if (!CoordinatorClient.unreachable(e)) throw e;
                if (i + 1 < order.size()) log.info("pledge-client {} failed ({}); trying {}", c, e, order.get(i + 1));
                last = e;
            }
        }
        if (last != null) throw last;
        throw new RpcException(RpcException.Kind.DEADLINE_EXCEEDED, "no time left to call a coordinator", null, true);
    }

    /** An answer and the coordinator that gave it. */
    record Answer<R>(CoordinatorClient from, R value) {}

    @Override
    public void close() {
        all.forEach(CoordinatorClient::close);
    }
}
