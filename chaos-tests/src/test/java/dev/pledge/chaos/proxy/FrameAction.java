package dev.pledge.chaos.proxy;

/**
 * What a {@link FrameProxy} does with one whole frame.
 *
 * @param kind       the fault, or PASS
 * @param delayMs    how long DELAY holds the frame before forwarding it
 * @param corruption how CORRUPT damages it
 */
public record FrameAction(Kind kind, long delayMs, Corruption corruption) {
    public enum Kind { PASS, DELAY, DUPLICATE, REORDER, CORRUPT }

    private static final FrameAction PASS = new FrameAction(Kind.PASS, 0, null);

    public FrameAction {
        if (delayMs < 0) throw new IllegalArgumentException("delayMs must be >= 0, was " + delayMs);
        if ((kind == Kind.CORRUPT) != (corruption != null)) {
            throw new IllegalArgumentException("a corruption goes with CORRUPT and only with it: " + kind + "/" + corruption);
        }
    }

    public static FrameAction pass() {
        return PASS;
    }

    public static FrameAction delay(long ms) {
        return new FrameAction(Kind.DELAY, ms, null);
    }

    public static FrameAction duplicate() {
        return new FrameAction(Kind.DUPLICATE, 0, null);
    }

    public static FrameAction reorder() {
        return new FrameAction(Kind.REORDER, 0, null);
    }

    public static FrameAction corrupt(Corruption c) {
        return new FrameAction(Kind.CORRUPT, 0, c);
    }
}
