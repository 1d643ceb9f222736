package dev.pledge.rpc;

import org.apache.thrift.TException;

/**
 * A call on a generated Thrift client in its two halves ({@code send_x} and {@code recv_x}), so the
 * request can leave on one thread and its answer be read on another ({@link RpcClient#sendNow}).
 */
public interface SplitCall<C, R> {
    /** Writes and flushes the request; {@code remainingMs} as in {@link ThriftCall}. */
    void send(C client, long remainingMs) throws TException;

    /** Reads the answer to what {@link #send} wrote. */
    R receive(C client) throws TException;

    /** Both halves as one attempt, for the ordinary path. */
    default ThriftCall<C, R> whole() {
        return (client, remainingMs) -> {
            send(client, remainingMs);
            return receive(client);
        };
    }
}
