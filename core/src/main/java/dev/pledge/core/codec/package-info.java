/**
 * The record-codec convention shared by every node's log: a leading version byte on every stored
 * value, big-endian fields, length-prefixed UTF-8 strings with a named bound, enums by their
 * explicit {@link dev.pledge.core.OnDiskId}, and a clear {@link java.io.IOException} for anything a
 * decoder does not know. Not for the protocol packages: they stay free of {@code java.io}.
 */
package dev.pledge.core.codec;
