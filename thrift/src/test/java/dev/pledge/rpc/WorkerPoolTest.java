package dev.pledge.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {
    private WorkerPool pool;

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(5_000)).isTrue();
    }

    @Test
    void oneTaskAtATimeIsServedByTheSameWarmWorker() throws Exception {
        pool = new WorkerPool("test", 8, 8, 60_000);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        // Start all eight workers once, so that a pool handing work to the longest idle would rotate.
        CountDownLatch allBusy = new CountDownLatch(8);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 8; i++) {
            pool.execute(() -> {
                allBusy.countDown();
                waitFor(release);
            });
        }
        assertThat(allBusy.await(10, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        List<String> lastIdle = new CopyOnWriteArrayList<>();
        pool.execute(() -> lastIdle.add(Thread.currentThread().getName()));
        await().atMost(Duration.ofSeconds(10)).until(() -> lastIdle.size() == 1);

        for (int i = 0; i < 20; i++) {
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.idleCount() == 8);
            CountDownLatch done = new CountDownLatch(1);
            pool.execute(() -> {
                threads.add(Thread.currentThread().getName());
                done.countDown();
            });
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(threads).hasSize(1);
    }

    @Test
    void tasksBeyondTheWorkersWaitAndRunInOrder() throws Exception {
        pool = new WorkerPool("test", 1, 2, 60_000);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> ran = new CopyOnWriteArrayList<>();
        pool.execute(() -> waitFor(release));
        pool.execute(() -> ran.add(1));
        pool.execute(() -> ran.add(2));
        assertThatThrownBy(() -> pool.execute(() -> ran.add(3))).isInstanceOf(RejectedExecutionException.class);

        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 2);
        assertThat(ran).containsExactly(1, 2);
    }

    @Test
    void idleWorkersEnd() throws Exception {
        pool = new WorkerPool("test", 4, 4, 50);
        CountDownLatch done = new CountDownLatch(1);
        pool.execute(done::countDown);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() -> pool.liveCount() == 0);
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
