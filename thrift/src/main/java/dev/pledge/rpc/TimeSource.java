package dev.pledge.rpc;

/** The only clock and sleeper the RPC runtime uses, so tests can replace it with a manual one. */
public interface TimeSource {

    /**
     * Milliseconds since the Unix epoch that never go backwards within a process. The system
     * source anchors the wall clock at start-up and then advances monotonically, so values are
     * safe both for deadlines and for times written to disk and read after a restart.
     */
    long nowMs();

    void sleepMs(long ms) throws InterruptedException;

    static TimeSource system() {
        return SystemTimeSource.INSTANCE;
    }
}
