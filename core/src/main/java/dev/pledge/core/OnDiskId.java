package dev.pledge.core;

/**
 * An enum whose values are written to disk. Each value carries an explicit id, fixed forever, so
 * reordering or renaming the enum never changes what is stored; a decoder that meets an id it does
 * not know fails loudly instead of guessing (see {@code dev.pledge.core.codec.RecordIo#readId}).
 */
public interface OnDiskId {
    /** The stored byte, 0..255; never reused for another value of the same enum. */
    int onDiskId();
}
