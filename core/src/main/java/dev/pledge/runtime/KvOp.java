package dev.pledge.runtime;

import dev.pledge.core.Check;

/**
 * One change to a node's key/value store: a put, or a delete when {@code value} is null. A batch
 * of them is applied atomically (one RocksDB WriteBatch, one simulated batch).
 */
public record KvOp(String family, byte[] key, byte[] value) {
    public KvOp {
        Check.notNull(family, "family");
        Check.notNull(key, "key");
    }

    public static KvOp put(String family, byte[] key, byte[] value) {
        return new KvOp(family, key, Check.notNull(value, "value"));
    }

    public static KvOp delete(String family, byte[] key) {
        return new KvOp(family, key, null);
    }

    public boolean isDelete() {
        return value == null;
    }
}
