package dev.pledge.runtime;

/**
 * The one clock of every node runtime: event loops, their timers, RPC deadlines and backoff all
 * read it, so tests (and the simulator) can replace it with a manual one.
 */
public interface Clock {

    /**
     * Milliseconds since the Unix epoch that never go backwards within a process. The system
     * source anchors the wall clock at start-up and then advances monotonically, so values are
     * safe both for deadlines and for times written to disk and read after a restart.
     */
    long nowMs();

    void sleepMs(long ms) throws InterruptedException;

    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
