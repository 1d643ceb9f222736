package dev.pledge.client;

/** Deadlines put in requests. */
final class Deadlines {
    /** Share of the remaining time kept back for the reply to travel, at most this many ms. */
    private static final long REPLY_MARGIN_MAX_MS = 500;

    private Deadlines() {}

    /**
     * The deadline to send when the caller will wait {@code remainingMs}: a little less, so a server
     * answering at its deadline (e.g. commit answering PREPARING) is heard before the socket times out.
     */
    static long forRequest(long remainingMs) {
        return Math.max(1, remainingMs - Math.min(remainingMs / 10, REPLY_MARGIN_MAX_MS));
    }
}
