package dev.pledge.testkit;

import dev.pledge.wire.Kv;
import dev.pledge.wire.KvGetResponse;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.Unavailable;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test Kv service that applies each (txId, opSeq) once and answers repeats with the first
 * answer, as real participants must (I7). Records every invocation and every applied effect.
 */
public final class DedupKv implements Kv.Iface {
    private final Map<String, Object> answers = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, ByteBuffer> data = new ConcurrentHashMap<>();
    private final List<Long> invokedOpSeqs = new CopyOnWriteArrayList<>();
    private final AtomicInteger applied = new AtomicInteger();
    private final AtomicInteger unavailableLeft = new AtomicInteger();
    private volatile Long retryAfterMs;

    /** The next {@code n} invocations answer Unavailable before doing anything. */
    public void failNextWithUnavailable(int n) {
        unavailableLeft.set(n);
    }

    /** As {@link #failNextWithUnavailable(int)}, asking the client to come back after {@code retryAfterMs}. */
    public void failNextWithUnavailable(int n, long retryAfterMs) {
        this.retryAfterMs = retryAfterMs;
        unavailableLeft.set(n);
    }

    @Override
    public KvGetResponse get(TxContext ctx, ByteBuffer key) throws Unavailable {
        return (KvGetResponse) once(ctx, () -> {
            ByteBuffer v = data.get(copy(key));
            KvGetResponse r = new KvGetResponse();
            if (v != null) r.setValue(copy(v));
            return r;
        });
    }

    @Override
    public void put(TxContext ctx, ByteBuffer key, ByteBuffer value) throws Unavailable {
        once(ctx, () -> data.put(copy(key), copy(value)));
    }

    @Override
    public void remove(TxContext ctx, ByteBuffer key) throws Unavailable {
        once(ctx, () -> data.remove(copy(key)));
    }

    private Object once(TxContext ctx, java.util.function.Supplier<Object> effect) throws Unavailable {
        invokedOpSeqs.add(ctx.getOpSeq());
        if (unavailableLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            Unavailable u = new Unavailable("test: overloaded");
            if (retryAfterMs != null) u.setRetryAfterMs(retryAfterMs);
            throw u;
        }
        String id = ctx.getTxId() + "#" + ctx.getOpSeq();
        return answers.computeIfAbsent(id, k -> {
            applied.incrementAndGet();
            Object answer = effect.get();
            return answer == null ? "void" : answer;
        });
    }

    public List<Long> invokedOpSeqs() {
        return List.copyOf(invokedOpSeqs);
    }

    public int invocations() {
        return invokedOpSeqs.size();
    }

    public int applied() {
        return applied.get();
    }

    private static ByteBuffer copy(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return ByteBuffer.wrap(bytes);
    }
}
