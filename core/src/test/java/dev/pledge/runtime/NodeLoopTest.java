package dev.pledge.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NodeLoopTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final Clock clock = new Clock() {
        @Override
        public long nowMs() {
            return now.get();
        }

        @Override
        public void sleepMs(long ms) {}
    };
    private final List<String> fired = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> broken = new AtomicReference<>();
    private final NodeLoop<String> loop = new NodeLoop<>("node-1", clock, 2, 100,
            (timer, nowMs) -> fired.add(timer + "@" + nowMs), broken::set);

    @AfterEach
    void close() {
        loop.close();
    }

    @Test
    void requestsBeyondTheLimitAreRefusedButInternalTasksWait() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        loop.start();
        assertThat(loop.offer(() -> {
            holding.countDown();
            awaitQuietly(hold);
        })).isTrue();
        holding.await();
        assertThat(loop.offer(() -> {})).isTrue();
        assertThat(loop.offer(() -> {})).isTrue();
        assertThat(loop.offer(() -> {})).as("two requests already wait").isFalse();
        assertThat(loop.whyRefused()).isEqualTo("node-1 is overloaded (too many requests waiting)");
        CountDownLatch internal = new CountDownLatch(1);
        loop.post(internal::countDown);
        hold.countDown();
        assertThat(internal.await(10, TimeUnit.SECONDS)).isTrue();
        await().until(() -> loop.offer(() -> {}));
    }

    @Test
    void timersFireOnTheClockEarliestFirstBetweenTasks() {
        loop.schedule("late", 1_050);
        loop.schedule("early", 1_020);
        loop.start();
        now.set(1_030);
        loop.post(() -> {});
        await().until(() -> fired.size() == 1);
        assertThat(fired).containsExactly("early@1030");
        now.set(1_100);
        loop.post(() -> {});
        await().until(() -> fired.size() == 2);
        assertThat(fired).containsExactly("early@1030", "late@1100");
    }

    @Test
    void aTaskThatThrowsStopsDecidingAndSaysWhy() {
        loop.start();
        loop.post(() -> {
            throw new IllegalStateException("two outcomes for one branch");
        });
        await().until(() -> broken.get() != null);
        assertThat(loop.running()).isFalse();
        assertThat(loop.offer(() -> {})).isFalse();
        assertThat(loop.whyRefused()).startsWith("node-1 decides nothing more (broken invariant: ")
                .contains("two outcomes for one branch");
    }

    @Test
    void stopKeepsTheFirstReasonAndRefusesEverything() {
        loop.start();
        loop.stop("the log write failed: disk full");
        loop.stop("later reason");
        assertThat(loop.offer(() -> {})).isFalse();
        assertThat(loop.stoppedBecause()).isEqualTo("the log write failed: disk full");
        assertThat(broken.get()).as("a stop asked for is not a broken invariant").isNull();
    }

    @Test
    void aThreadThatMayRunTasksRunsItsOwnInPlaceWhenTheLoopIsIdleAndOtherThreadsNever() throws Exception {
        loop.start();
        List<String> ranOn = new CopyOnWriteArrayList<>();
        Thread plain = new Thread(() -> loop.offer(() -> ranOn.add(Thread.currentThread().getName())), "plain");
        plain.start();
        plain.join();
        await().until(() -> ranOn.size() == 1 && loop.idle());
        Thread mayRun = new Thread(() -> {
            NodeLoop.runTasksHere();
            loop.offer(() -> ranOn.add(Thread.currentThread().getName()));
            loop.post(() -> ranOn.add(Thread.currentThread().getName()));
        }, "io");
        mayRun.start();
        mayRun.join();
        assertThat(ranOn).as("the loop was idle for the io thread's tasks, so they ran before its offer and post returned")
                .containsExactly("node-1-loop", "io", "io");
    }

    @Test
    void aTaskNeverOvertakesOneQueuedBeforeIt() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        loop.start();
        loop.post(() -> {
            holding.countDown();
            awaitQuietly(hold);
            ran.add("first");
        });
        holding.await();
        loop.post(() -> ran.add("second, queued behind the first"));
        Thread mayRun = new Thread(() -> {
            NodeLoop.runTasksHere();
            loop.post(() -> ran.add("third on " + Thread.currentThread().getName()));
        }, "io");
        mayRun.start();
        mayRun.join();
        assertThat(ran).as("the loop is busy: the io thread's task waits its turn").isEmpty();
        hold.countDown();
        await().until(() -> ran.size() == 3);
        assertThat(ran).containsExactly("first", "second, queued behind the first", "third on node-1-loop");
    }

    @Test
    void aTaskThatThrowsInPlaceStopsDecidingToo() throws Exception {
        loop.start();
        await().until(loop::idle);
        Thread mayRun = new Thread(() -> {
            NodeLoop.runTasksHere();
            loop.post(() -> {
                throw new IllegalStateException("two outcomes for one branch");
            });
        }, "io");
        mayRun.start();
        mayRun.join();
        assertThat(broken.get()).hasMessage("two outcomes for one branch");
        assertThat(loop.running()).isFalse();
        assertThat(loop.offer(() -> {})).isFalse();
    }

    @Test
    void closeWaitsForATaskRunningInPlace() throws Exception {
        loop.start();
        await().until(loop::idle);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        Thread io = new Thread(() -> {
            NodeLoop.runTasksHere();
            loop.post(() -> {
                holding.countDown();
                awaitQuietly(release);
                order.add("task ended");
            });
        }, "io");
        io.start();
        holding.await();
        Thread closer = new Thread(() -> {
            loop.close();
            order.add("closed");
        }, "closer");
        closer.start();
        // The loop's thread is gone; the closer has returned, or waits for the core.
        await().until(() -> !loop.threadAlive()
                && (closer.getState() == Thread.State.TERMINATED || closer.getState() == Thread.State.TIMED_WAITING));
        release.countDown();
        closer.join();
        io.join();
        assertThat(order).as("the node's log may be closed next: no step may still be running")
                .containsExactly("task ended", "closed");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
