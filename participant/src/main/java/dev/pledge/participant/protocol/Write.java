package dev.pledge.participant.protocol;

import dev.pledge.core.Check;
import java.util.Arrays;

/** One buffered write: a new value for a key, or a tombstone ({@code value == null}) that deletes it. */
public record Write(Key key, byte[] value) {
    public Write {
        Check.notNull(key, "key");
    }

    public static Write put(Key key, byte[] value) {
        return new Write(key, Check.notNull(value, "value").clone());
    }

    public static Write delete(Key key) {
        return new Write(key, null);
    }

    public boolean isDelete() {
        return value == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Write w && key.equals(w.key) && Arrays.equals(value, w.value);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return isDelete() ? "delete " + key : "put " + key + " (" + value.length + " bytes)";
    }
}
