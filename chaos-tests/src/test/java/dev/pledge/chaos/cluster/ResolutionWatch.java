package dev.pledge.chaos.cluster;

import dev.pledge.demo.launch.ClusterProbe;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.wire.InDoubtBranch;
import dev.pledge.wire.TxId;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/**
 * After each heal: which branches were in doubt, and how long until every one of them is decided.
 * Branches prepared after the heal are the workload's normal traffic and are not counted.
 */
final class ResolutionWatch implements AutoCloseable {
    static final Duration BOUND = Duration.ofSeconds(90);

    private final Map<String, List<Endpoint>> participants;
    private final FaultLog log;
    private final ClusterProbe probe;

    /**
     * Asks {@code participants} (each participant's endpoints: one, or its replicas, of which the
     * leader answers) with {@code rpc}'s transport (TLS and the certificate it holds, if any).
     */
    ResolutionWatch(Map<String, List<Endpoint>> participants, FaultLog log, RpcClientConfig rpc) {
        this.participants = Map.copyOf(participants);
        this.log = log;
        this.probe = new ClusterProbe(rpc);
    }

    void afterHeal(Fault fault) {
        long healNs = System.nanoTime();
        AtomicReference<Set<TxId>> pending = new AtomicReference<>();
        int[] initial = new int[1];
        try {
            await().atMost(BOUND).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).until(() -> {
                Set<TxId> now = inDoubtNow();
                if (now == null) return false; // someone did not answer yet
                if (pending.get() == null) {
                    pending.set(now);
                    initial[0] = now.size();
                }
                pending.get().retainAll(now);
                return pending.get().isEmpty();
            });
            log.resolved(fault, initial[0], (System.nanoTime() - healNs) / 1_000_000);
        } catch (ConditionTimeoutException e) {
            log.resolved(fault, pending.get() == null ? -1 : pending.get().size(), -1);
        }
    }

    /** Every branch in doubt at any participant now, or null if one did not answer. */
    Set<TxId> inDoubtNow() {
        Set<TxId> all = new HashSet<>();
        for (List<Endpoint> endpoints : participants.values()) {
            List<InDoubtBranch> branches = inDoubtAt(endpoints);
            if (branches == null) return null;
            for (InDoubtBranch b : branches) all.add(b.getTxId());
        }
        return all;
    }

    /** The branches in doubt at the first of {@code endpoints} that answers (a replica that does not lead refuses), or null. */
    private List<InDoubtBranch> inDoubtAt(List<Endpoint> endpoints) {
        for (Endpoint e : endpoints) {
            try {
                return probe.inDoubt(e);
            } catch (Exception notThisOne) {
                // down, or not the leader: the next replica may be
            }
        }
        return null;
    }

    @Override
    public void close() {
        probe.close();
    }
}
