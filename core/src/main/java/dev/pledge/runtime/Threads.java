package dev.pledge.runtime;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Named daemon threads and bounded pools, so no runtime thread keeps the JVM alive or queues without limit. */
public final class Threads {
    private static final long IDLE_SECONDS = 30;

    private Threads() {}

    /** Sleeps {@code ms}; false if interrupted (the interrupt is kept, and the caller gives up). */
    public static boolean pause(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** A fixed-size pool whose queue holds at most {@code queueMax} tasks; beyond that, execute() rejects. */
    public static ThreadPoolExecutor boundedPool(String name, int threads, int queueMax) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, IDLE_SECONDS, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueMax), r -> daemon(r, name));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
