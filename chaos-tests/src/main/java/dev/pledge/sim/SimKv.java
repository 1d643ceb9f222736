package dev.pledge.sim;

import dev.pledge.runtime.KvOp;
import dev.pledge.runtime.KvView;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A simulated key/value store: named families of keys in unsigned byte order, as RocksDB keeps
 * them. Nodes' records reach it only through their production layouts.
 */
final class SimKv implements KvView {
    private final TreeMap<String, TreeMap<byte[], byte[]>> families = new TreeMap<>();

    void apply(KvOp op) {
        TreeMap<byte[], byte[]> family = families.computeIfAbsent(op.family(), f -> new TreeMap<>(Arrays::compareUnsigned));
        if (op.isDelete()) family.remove(op.key());
        else family.put(op.key().clone(), op.value().clone());
    }

    SimKv copy() {
        SimKv c = new SimKv();
        families.forEach((name, entries) -> c.families.put(name, new TreeMap<>(entries)));
        return c;
    }

    @Override
    public byte[] get(String family, byte[] key) {
        TreeMap<byte[], byte[]> f = families.get(family);
        byte[] v = f == null ? null : f.get(key);
        return v == null ? null : v.clone();
    }

    @Override
    public void forEach(String family, BiConsumer<byte[], byte[]> entry) {
        TreeMap<byte[], byte[]> f = families.get(family);
        if (f == null) return;
        for (Map.Entry<byte[], byte[]> e : f.entrySet()) entry.accept(e.getKey().clone(), e.getValue().clone());
    }

    /** Canonical text of every entry, for describing states. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        HexFormat hex = HexFormat.of();
        families.forEach((name, entries) -> {
            if (entries.isEmpty()) return;
            sb.append(name).append('{');
            entries.forEach((k, v) -> sb.append(hex.formatHex(k)).append('=').append(hex.formatHex(v)).append(' '));
            sb.append('}');
        });
        return sb.toString();
    }
}
