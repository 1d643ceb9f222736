package dev.pledge.core;

/**
 * The slack a node leaves between the time its caller will still wait and its own wait or call
 * timeout, so an answer given at the node's own deadline (commit answering PREPARING) is heard
 * before the caller's socket gives up. Every hop takes its margin from this one formula.
 */
public final class ReplyMargin {
    /** A tenth of the remaining time is kept back, but never more than this. */
    public static final long MARGIN_MS_MAX = 500;

    private ReplyMargin() {}

    /** The slack kept back from {@code remainingMs}; 0 when nothing remains. */
    public static long marginMs(long remainingMs) {
        return Math.max(0, Math.min(remainingMs / 10, MARGIN_MS_MAX));
    }

    /** How long to wait, or to give a downstream call, when the caller waits {@code remainingMs}: at least 1 ms. */
    public static long withinMs(long remainingMs) {
        return Math.max(1, remainingMs - marginMs(remainingMs));
    }
}
