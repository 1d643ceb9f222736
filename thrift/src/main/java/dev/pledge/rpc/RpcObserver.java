package dev.pledge.rpc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a node's metrics want to hear from every {@link RpcClient} in the process: retries and
 * circuit-breaker changes. Process-wide, because clients are made deep inside runtimes that know
 * nothing of metrics; observers must be quick and must not throw.
 */
public interface RpcObserver {

    /** Attempt {@code attempt} (1 = the first retry) of a call to {@code endpoint} is about to be sent again. */
    default void retried(Endpoint endpoint, String serviceName, int attempt) {}

    /** The breaker of {@code endpoint} changed state; states are CLOSED, OPEN and HALF_OPEN. */
    default void breakerChanged(Endpoint endpoint, String from, String to) {}

    /** Observers of this process; bounded by {@link #OBSERVERS_MAX} so a leak in tests cannot grow forever. */
    int OBSERVERS_MAX = 64;

    static void add(RpcObserver observer) {
        if (Registry.OBSERVERS.size() >= OBSERVERS_MAX) {
            throw new IllegalStateException("more than " + OBSERVERS_MAX + " rpc observers; are they removed on close?");
        }
        Registry.OBSERVERS.add(observer);
    }

    static void remove(RpcObserver observer) {
        Registry.OBSERVERS.remove(observer);
    }

    /** Holder of the registered observers (interfaces cannot have private static fields). */
    final class Registry {
        static final List<RpcObserver> OBSERVERS = new CopyOnWriteArrayList<>();

        private Registry() {}

        static void retried(Endpoint endpoint, String serviceName, int attempt) {
            for (RpcObserver o : OBSERVERS) {
                try {
                    o.retried(endpoint, serviceName, attempt);
                } catch (RuntimeException e) {
                    // A broken metrics hook must never fail an RPC.
                }
            }
        }

        static void breakerChanged(Endpoint endpoint, String from, String to) {
            for (RpcObserver o : OBSERVERS) {
                try {
                    o.breakerChanged(endpoint, from, to);
                } catch (RuntimeException e) {
                    // A broken metrics hook must never fail an RPC.
                }
            }
        }
    }
}
