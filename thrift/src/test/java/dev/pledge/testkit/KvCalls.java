package dev.pledge.testkit;

import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.Services;
import dev.pledge.wire.Kv;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.TxId;
import java.nio.ByteBuffer;
import org.apache.thrift.TException;

/** The smallest real call a test can make: one Kv put of one byte, as operation {@code opSeq} of {@link #TX}. */
public final class KvCalls {
    public static final TxId TX = new TxId("coord-1", 7, 1);

    private KvCalls() {}

    public static void put(RpcClient client, long opSeq, long deadlineMs) throws TException {
        put(client, Services.KV, opSeq, deadlineMs);
    }

    public static void put(RpcClient client, String service, long opSeq, long deadlineMs) throws TException {
        client.call(service, new Kv.Client.Factory(), (c, remainingMs) -> {
            c.put(new TxContext(TX, opSeq, remainingMs), ByteBuffer.wrap(new byte[] {1}), ByteBuffer.wrap(new byte[] {2}));
            return null;
        }, deadlineMs);
    }
}
