package dev.pledge.rpc;

/**
 * One attempt of a call on a generated Thrift client. {@code remainingMs} is the time left before
 * the caller's deadline; put it in the request's {@code deadlineMs} so the server can drop stale work.
 */
@FunctionalInterface
public interface ThriftCall<C, R> {
    R call(C client, long remainingMs) throws org.apache.thrift.TException;
}
