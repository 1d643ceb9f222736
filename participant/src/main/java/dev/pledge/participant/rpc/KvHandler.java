package dev.pledge.participant.rpc;

import dev.pledge.rpc.Wire;
import dev.pledge.wire.DeadlineExceeded;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.Kv;
import dev.pledge.wire.KvGetResponse;
import dev.pledge.wire.NotAllowed;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.Unavailable;
import java.nio.ByteBuffer;
import org.apache.thrift.TException;

/** The generic transactional key-value service every participant offers, built on {@link BranchRunner}. */
public final class KvHandler implements Kv.Iface {
    private final BranchRunner executor;

    public KvHandler(BranchRunner executor) {
        this.executor = executor;
    }

    @Override
    public KvGetResponse get(TxContext ctx, ByteBuffer key) throws NotAllowed, InvalidArgument, Unavailable,
            DeadlineExceeded {
        byte[] k = bytes("key", key);
        return run(() -> executor.execute(ctx, kv -> {
            byte[] v = kv.get(k);
            KvGetResponse r = new KvGetResponse();
            if (v != null) r.setValue(v);
            return r;
        }));
    }

    @Override
    public void put(TxContext ctx, ByteBuffer key, ByteBuffer value) throws NotAllowed, InvalidArgument, Unavailable,
            DeadlineExceeded {
        byte[] k = bytes("key", key);
        byte[] v = bytes("value", value);
        run(() -> executor.execute(ctx, kv -> {
            kv.put(k, v);
            return Boolean.TRUE;
        }));
    }

    @Override
    public void remove(TxContext ctx, ByteBuffer key) throws NotAllowed, InvalidArgument, Unavailable,
            DeadlineExceeded {
        byte[] k = bytes("key", key);
        run(() -> executor.execute(ctx, kv -> {
            kv.delete(k);
            return Boolean.TRUE;
        }));
    }

    private interface Call<T> {
        T run() throws TException;
    }

    /** Narrows to the exceptions Kv declares; anything else is a bug and surfaces as Unavailable with its text. */
    private static <T> T run(Call<T> call) throws NotAllowed, InvalidArgument, Unavailable, DeadlineExceeded {
        try {
            return call.run();
        } catch (NotAllowed | InvalidArgument | Unavailable | DeadlineExceeded e) {
            throw e;
        } catch (TException e) {
            throw new Unavailable("operation failed: " + e);
        }
    }

    private static byte[] bytes(String field, ByteBuffer b) throws InvalidArgument {
        Wire.required(field, b);
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
