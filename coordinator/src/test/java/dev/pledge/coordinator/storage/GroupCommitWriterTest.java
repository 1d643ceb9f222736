package dev.pledge.coordinator.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.coordinator.protocol.Record;
import dev.pledge.core.AbortReason;
import dev.pledge.core.TxId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitWriterTest {
    private static final int WRITERS = 64;

    @TempDir
    Path dir;

    private static Record commit(int i) {
        return new Record.Commit(new TxId("coord-1", 1, i), List.of("a"), List.of("a"));
    }

    @Test
    void concurrentSyncedWritesShareOneSync() throws Exception {
        try (DecisionLog log = DecisionLog.open(dir);
             GroupCommitWriter writer = new GroupCommitWriter(log, 1_000, 1_000, e -> {}, "test-log")) {
            // Hold the writer inside a callback so the whole burst is queued behind it.
            CountDownLatch writerHeld = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            writer.submit(List.of(commit(1)), true, () -> {
                writerHeld.countDown();
                awaitQuietly(release);
            });
            writerHeld.await();
            CountDownLatch start = new CountDownLatch(1);
            CountDownLatch queued = new CountDownLatch(WRITERS);
            CountDownLatch durable = new CountDownLatch(WRITERS);
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            for (int i = 0; i < WRITERS; i++) {
                int seq = i + 2;
                pool.execute(() -> {
                    awaitQuietly(start);
                    try {
                        writer.submit(List.of(commit(seq)), true, durable::countDown);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    queued.countDown();
                });
            }
            start.countDown();
            queued.await();
            release.countDown();
            assertThat(durable.await(30, TimeUnit.SECONDS)).isTrue();
            pool.shutdown();

            LogStats stats = writer.stats();
            assertThat(stats.submissions()).isEqualTo(WRITERS + 1);
            assertThat(stats.syncs()).isEqualTo(2).isLessThan(stats.submissions());
            assertThat(stats.batchSubmissionsMax()).isEqualTo(WRITERS);
            assertThat(log.readAll()).hasSize(WRITERS + 1);
        }
    }

    @Test
    void effectsAreReleasedInSubmissionOrderEvenWithoutRecords() throws Exception {
        List<Integer> released = Collections.synchronizedList(new ArrayList<>());
        try (DecisionLog log = DecisionLog.open(dir);
             GroupCommitWriter writer = new GroupCommitWriter(log, 100, 3, e -> {}, "test-log")) {
            for (int i = 0; i < 20; i++) {
                int n = i;
                List<Record> records = i % 2 == 0 ? List.of(commit(i + 1)) : List.of();
                writer.submit(records, i % 4 == 0, () -> released.add(n));
            }
        }
        assertThat(released).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).boxed().toList());
    }

    @Test
    void unsyncedRecordsAreWrittenButNeverSynced() throws Exception {
        try (DecisionLog log = DecisionLog.open(dir);
             GroupCommitWriter writer = new GroupCommitWriter(log, 100, 100, e -> {}, "test-log")) {
            CountDownLatch done = new CountDownLatch(1);
            writer.submit(List.of(new Record.Abort(new TxId("coord-1", 1, 1), List.of(), AbortReason.CLIENT_REQUESTED,
                    "", 1)), false, done::countDown);
            done.await();
            assertThat(writer.stats().syncs()).isZero();
            assertThat(writer.stats().records()).isEqualTo(1);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
