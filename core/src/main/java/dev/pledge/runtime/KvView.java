package dev.pledge.runtime;

import java.io.IOException;
import java.util.List;
import java.util.function.BiConsumer;

/** A node's store as read by its layout: named families of keys in unsigned byte order. */
public interface KvView {
    /** The value of {@code key} in {@code family}, or null. */
    byte[] get(String family, byte[] key);

    /** Visits every entry of {@code family} in unsigned key order. */
    void forEach(String family, BiConsumer<byte[], byte[]> entry);

    /** Turns one stored entry back into what was stored. */
    interface Decoder<T> {
        T decode(byte[] key, byte[] value) throws IOException;
    }

    /** Decodes every entry of {@code family} in key order into {@code out}; fails on the first that does not decode. */
    default <T> void decodeAll(String family, Decoder<? extends T> decoder, List<? super T> out) throws IOException {
        IOException[] failed = new IOException[1];
        forEach(family, (key, value) -> {
            if (failed[0] != null) return;
            try {
                out.add(decoder.decode(key, value));
            } catch (IOException e) {
                failed[0] = e;
            }
        });
        if (failed[0] != null) throw failed[0];
    }
}
