package dev.pledge.client;

import dev.pledge.core.ReplyMargin;

/** Deadlines put in requests. */
final class Deadlines {
    private Deadlines() {}

    /**
     * The deadline to send when the caller will wait {@code remainingMs}: a little less, so a server
     * answering at its deadline (e.g. commit answering PREPARING) is heard before the socket times out.
     */
    static long forRequest(long remainingMs) {
        return ReplyMargin.withinMs(remainingMs);
    }
}
