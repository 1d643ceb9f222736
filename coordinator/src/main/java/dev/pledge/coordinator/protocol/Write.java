package dev.pledge.coordinator.protocol;

import dev.pledge.core.Check;

/**
 * One buffered write the coordinator carries, unread, from a client's write-only transaction to
 * the participant's prepare: a value for a key, or a delete ({@code value == null}).
 */
public record Write(byte[] key, byte[] value) {
    public Write {
        Check.notNull(key, "key");
    }
}
