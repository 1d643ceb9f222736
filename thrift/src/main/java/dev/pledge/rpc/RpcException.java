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
        /** The endpoint's circuit breaker is open; this attempt was not sent (an earlier one may have been). */
        CIRCUIT_OPEN,
        /** This client's retry budget is spent; retrying now would amplify an outage. */
        BUDGET_EXHAUSTED
    }

    private final Kind kind;
    private final boolean neverSent;

    /** A failure of a call that may have reached the endpoint. */
    public RpcException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, false);
    }

    public RpcException(Kind kind, String message, Throwable cause, boolean neverSent) {
        super(kind + ": " + message, cause);
        this.kind = kind;
        this.neverSent = neverSent;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * True if no attempt of the call got as far as a connection (each failed to connect, or the
     * circuit breaker or the deadline stopped it first): the endpoint certainly never saw the
     * request, so another endpoint may be asked instead without it being done twice. False: it may
     * have arrived, even if no reply came.
     */
    public boolean neverSent() {
        return neverSent;
    }
}
