package dev.pledge.participant.protocol;

import dev.pledge.core.Check;
import dev.pledge.core.Limits;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** An opaque data key with value semantics (byte[] has identity equality, so it cannot be a map key). */
public final class Key implements Comparable<Key> {
    private final byte[] bytes;

    private Key(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Key of(byte[] bytes) {
        Check.notNull(bytes, "key");
        // Keys travel in records and lock tables; a bound keeps one bad request from bloating both.
        Limits.checkKey("key", bytes.length);
        return new Key(bytes.clone());
    }

    public static Key utf8(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Key k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(Key other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    /** Printable keys show as text, others as hex, so log lines stay readable. */
    @Override
    public String toString() {
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7e) return "0x" + hex();
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private String hex() {
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) sb.append(String.format("%02x", b));
        return sb.toString();
    }
}
