package dev.pledge.rpc;

/** The only clock and sleeper the RPC runtime uses, so tests can replace it with a manual one. */
public interface TimeSource {

    /** Milliseconds on a monotonic scale (not wall-clock time). */
    long nowMs();

    void sleepMs(long ms) throws InterruptedException;

    static TimeSource system() {
        return SystemTimeSource.INSTANCE;
    }
}
