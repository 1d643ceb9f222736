package dev.pledge.chaos.proxy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets a held frame wait until some other frame in the same direction has been forwarded past it,
 * which is what reordering means when each connection carries one call at a time. The wait is capped
 * so a quiet link does not hold a frame forever.
 */
final class Overtaking {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition forwarded = lock.newCondition();
    private long count;

    long mark() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    void forwardedOne() {
        lock.lock();
        try {
            count++;
            forwarded.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until a frame after {@code mark} was forwarded, or {@code capMs} passed; true if overtaken. */
    boolean awaitOvertaken(long mark, long capMs) throws InterruptedException {
        long leftNs = TimeUnit.MILLISECONDS.toNanos(capMs);
        lock.lock();
        try {
            while (count == mark) {
                if (leftNs <= 0) return false;
                leftNs = forwarded.awaitNanos(leftNs);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
