package dev.pledge.rpc;

import dev.pledge.core.Check;
import dev.pledge.runtime.Clock;
import dev.pledge.wire.Unavailable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.thrift.TException;
import org.apache.thrift.TServiceClient;
import org.apache.thrift.TServiceClientFactory;

/**
 * Calls a participant whose shard is replicated: whichever replica leads it. A replica that does not
 * lead answers {@code Unavailable} with a leader hint, and the call goes there next, unless the
 * hinted one could not be reached in this call (followers name a dead leader until they elect
 * another); a replica that cannot be reached, or has no leader to name, hands the call to the next
 * replica, with a pause after each round of them (an election is on). Rounds are bounded, and
 * every hop shares the one deadline. The replica that answered last is asked first next time.
 * Thread-safe.
 */
public final class ReplicaSetClient implements RpcCaller {
    /** Rounds of the replicas in one call: with the pauses, longer than an election takes. */
    static final int ROUNDS_MAX = 10;
    /** Pause after every replica was asked and none served: an election takes a few hundred ms. */
    static final long ROUND_PAUSE_MS = 100;

    private final List<Endpoint> replicas;
    private final Function<Endpoint, RpcClient> clients;
    private final Clock time;
    private volatile Endpoint preferred;

    /**
     * @param replicas every replica's endpoint, in the order they are tried
     * @param clients  the client of an endpoint (a replica, or a leader a hint names); shared, so not closed here
     */
    public ReplicaSetClient(List<Endpoint> replicas, Function<Endpoint, RpcClient> clients, Clock time) {
        Check.argument(!replicas.isEmpty(), "a replica set has at least one replica");
        this.replicas = List.copyOf(replicas);
        this.clients = Check.notNull(clients, "clients");
        this.time = Check.notNull(time, "time");
        this.preferred = this.replicas.get(0);
    }

    @Override
    public <C extends TServiceClient, R> R call(String serviceName, TServiceClientFactory<C> factory,
                                                ThriftCall<C, R> call, long deadlineMs) throws TException {
        long deadlineAtMs = time.nowMs() + Math.min(Math.max(0, deadlineMs), RpcClient.DEADLINE_MAX_MS);
        int hopsMax = ROUNDS_MAX * replicas.size();
        Endpoint target = preferred;
        TException last = null;
        Set<Endpoint> unreachable = new HashSet<>();
        for (int hop = 0; hop < hopsMax; hop++) {
            long remainingMs = deadlineAtMs - time.nowMs();
            if (remainingMs <= 0) break;
            try {
                R result = clients.apply(target).call(serviceName, factory, call, remainingMs);
                preferred = target;
                return result;
            } catch (Unavailable u) {
                last = u;
                Endpoint hinted = u.isSetLeaderHint() ? hint(u.getLeaderHint()) : null;
                if (hinted != null && !hinted.equals(target) && !unreachable.contains(hinted)) {
                    target = hinted;
                    continue;
                }
            } catch (RpcException e) {
                last = e;
                unreachable.add(target);
            }
            target = next(target);
            if (target.equals(replicas.get(0))) pause(deadlineAtMs); // every replica asked, none leads yet
        }
        if (last == null) {
            throw new RpcException(RpcException.Kind.DEADLINE_EXCEEDED, "replicas " + replicas + "/" + serviceName
                    + " deadline of " + deadlineMs + " ms passed", null);
        }
        throw last;
    }

    /** The endpoint a hint names, or null if it is not one (a hint never stops the call). */
    private static Endpoint hint(String hostColonPort) {
        try {
            return Endpoint.parse(hostColonPort);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The replica after {@code e} in order; the first one if {@code e} is a hinted leader not in the list. */
    private Endpoint next(Endpoint e) {
        int i = replicas.indexOf(e);
        return replicas.get((i + 1) % replicas.size());
    }

    private void pause(long deadlineAtMs) throws RpcException {
        long sleepMs = Math.min(ROUND_PAUSE_MS, deadlineAtMs - time.nowMs());
        if (sleepMs <= 0) return;
        try {
            time.sleepMs(sleepMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(RpcException.Kind.DEADLINE_EXCEEDED, "interrupted between replicas " + replicas, e);
        }
    }

    /** The replicas' clients belong to whoever made them. */
    @Override
    public void close() {}
}
