package dev.pledge.rpc;

import org.apache.thrift.TException;

/**
 * The RPC runtime gave up on a call. {@link #kind()} says why; {@link #getCause()} is the last
 * error seen (a transport failure or a wire {@code Unavailable}), if any.
 */
public final class RpcException extends TException {

    public enum Kind {
        /** Every allowed attempt failed with a transport error. */
        UNAVAILABLE,
        /** The deadline passed, or the next backoff sleep would have crossed it. */
        DEADLINE_EXCEEDED,
        /** The endpoint's circuit breaker is open; the call was not sent. */
        CIRCUIT_OPEN,
        /** This client's retry budget is spent; retrying now would amplify an outage. */
        BUDGET_EXHAUSTED
    }

    private final Kind kind;

    public RpcException(Kind kind, String message, Throwable cause) {
        super(kind + ": " + message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
