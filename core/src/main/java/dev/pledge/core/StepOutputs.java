package dev.pledge.core;

import java.util.List;

/**
 * What one step of a protocol core asks its runtime to do; both cores' Outputs speak it, so one
 * runtime executes either.
 *
 * <p><b>Ordering rule.</b> The runtime executes Outputs in the order the core returned them.
 * Every record of an Outputs, and of every earlier one, is durable (written, and synced if
 * {@link #mustSync}) before any of its messages is sent or any of its replies is given. Timers
 * carry no promise and are set at once, each at an absolute time on the node's clock. Log lines
 * describe transitions the core already made.
 *
 * @param <R> the core's records
 * @param <M> its messages to other nodes
 * @param <P> its replies to requests
 * @param <T> its timers
 */
public interface StepOutputs<R, M, P, T> {
    List<R> records();

    boolean mustSync();

    List<M> messages();

    List<P> replies();

    List<? extends TimerRequest<T>> timers();

    List<LogLine> logLines();

    /** A timer to set, due at {@code fireAtMs} on the node's clock. */
    interface TimerRequest<T> {
        T timer();

        long fireAtMs();
    }
}
