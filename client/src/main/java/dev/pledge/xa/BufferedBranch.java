package dev.pledge.xa;

import dev.pledge.core.Limits;
import dev.pledge.core.TxId;
import dev.pledge.wire.KvWrite;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One XA branch's writes, held at the client until prepare (or one-phase commit) ships them whole.
 * The last write to a key wins. Thread-safe: every method locks the branch.
 */
final class BufferedBranch {
    private final TxId txId;
    private final long startedMs;
    private final long timeoutMs;
    /** Key to value; a null value deletes. */
    private final Map<ByteBuffer, byte[]> writes = new LinkedHashMap<>();
    private boolean suspended;
    private String rollbackOnlyWhy;
    private boolean shipped;

    /** {@code timeoutMs} 0 for none. */
    BufferedBranch(TxId txId, long startedMs, long timeoutMs) {
        this.txId = txId;
        this.startedMs = startedMs;
        this.timeoutMs = timeoutMs;
    }

    TxId txId() {
        return txId;
    }

    synchronized void write(byte[] key, byte[] value) {
        if (key == null) throw new IllegalArgumentException("key is null");
        // Refused here, where the caller can still act on it, rather than as a NO vote at prepare.
        Limits.checkKey("key", key.length);
        if (value != null) Limits.checkValue("value", value.length);
        if (shipped) throw new IllegalStateException("branch " + txId + " was already prepared or committed");
        ByteBuffer k = ByteBuffer.wrap(key.clone());
        if (!writes.containsKey(k) && writes.size() >= Limits.WRITES_PER_BRANCH_MAX) {
            throw new IllegalStateException("branch " + txId + " already has " + Limits.WRITES_PER_BRANCH_MAX
                    + " writes, the most one branch may hold (Limits.WRITES_PER_BRANCH_MAX)");
        }
        writes.put(k, value == null ? null : value.clone());
    }

    synchronized void suspended(boolean v) {
        suspended = v;
    }

    synchronized boolean isSuspended() {
        return suspended;
    }

    /** end(TMFAIL): the branch may only roll back. */
    synchronized void markRollbackOnly(String why) {
        rollbackOnlyWhy = why;
    }

    /** Why the manager ended the branch with TMFAIL, or null if it did not. */
    synchronized String rollbackOnlyWhy() {
        return rollbackOnlyWhy;
    }

    boolean timedOut(long nowMs) {
        return timeoutMs > 0 && nowMs - startedMs > timeoutMs;
    }

    /** Takes the writes to ship; later writes are refused. */
    synchronized List<KvWrite> ship() {
        shipped = true;
        List<KvWrite> out = new ArrayList<>(writes.size());
        for (Map.Entry<ByteBuffer, byte[]> w : writes.entrySet()) {
            KvWrite kw = new KvWrite(w.getKey().duplicate());
            if (w.getValue() != null) kw.setValue(w.getValue());
            out.add(kw);
        }
        return out;
    }
}
