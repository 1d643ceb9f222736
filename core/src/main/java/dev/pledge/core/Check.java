package dev.pledge.core;

/**
 * Always-on checks (Java's {@code assert} is off by default). {@link #argument} is for bad input
 * from a caller; {@link #state} is for "this cannot happen" and means a bug.
 */
public final class Check {
    private Check() {}

    public static void argument(boolean ok, String format, Object... args) {
        if (!ok) throw new IllegalArgumentException(String.format(format, args));
    }

    public static void state(boolean ok, String format, Object... args) {
        if (!ok) throw new IllegalStateException(String.format(format, args));
    }

    public static <T> T notNull(T value, String name) {
        if (value == null) throw new IllegalArgumentException(name + " is required");
        return value;
    }
}
