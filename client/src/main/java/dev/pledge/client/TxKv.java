package dev.pledge.client;

import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.Services;
import dev.pledge.wire.Kv;
import dev.pledge.wire.KvGetResponse;
import java.nio.ByteBuffer;
import org.apache.thrift.TException;

/**
 * The Kv service of one participant, inside one transaction. Each call is one operation with its
 * own opSeq. Errors: the wire NotAllowed (the branch is aborted or the transaction is finished),
 * InvalidArgument, Unavailable, or an RpcException when the participant could not be reached.
 */
public final class TxKv {
    private static final Kv.Client.Factory FACTORY = new Kv.Client.Factory();

    private final Transaction tx;
    private final Endpoint endpoint;

    TxKv(Transaction tx, Endpoint endpoint) {
        this.tx = tx;
        this.endpoint = endpoint;
    }

    /** The value, or null if the key has none. */
    public byte[] get(byte[] key) throws TException {
        KvGetResponse r = tx.call(endpoint, Services.KV, FACTORY, (c, ctx) -> c.get(ctx, ByteBuffer.wrap(key)));
        return r.isSetValue() ? r.getValue() : null;
    }

    public void put(byte[] key, byte[] value) throws TException {
        tx.call(endpoint, Services.KV, FACTORY, (c, ctx) -> {
            c.put(ctx, ByteBuffer.wrap(key), ByteBuffer.wrap(value));
            return null;
        });
    }

    public void remove(byte[] key) throws TException {
        tx.call(endpoint, Services.KV, FACTORY, (c, ctx) -> {
            c.remove(ctx, ByteBuffer.wrap(key));
            return null;
        });
    }
}
