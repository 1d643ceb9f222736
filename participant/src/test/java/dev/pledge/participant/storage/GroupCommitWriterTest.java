package dev.pledge.participant.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.TxId;
import dev.pledge.participant.protocol.Record;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitWriterTest {
    @TempDir
    Path dir;

    @Test
    void concurrentSyncedWritesShareFsyncs() throws Exception {
        int writes = 50;
        try (ParticipantStore store = ParticipantStore.open(dir)) {
            GroupCommitWriter writer = new GroupCommitWriter("test-log", store, 1_000, 1_000, e -> {});
            CountDownLatch submitted = new CountDownLatch(writes);
            CountDownLatch durable = new CountDownLatch(writes);
            List<Integer> released = new CopyOnWriteArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            for (int i = 1; i <= writes; i++) {
                int n = i;
                pool.execute(() -> {
                    try {
                        writer.submit(List.of(new Record.Concluded(new TxId("coord-1", 1, n), Record.Final.ABORTED, n)),
                                true, () -> {
                                    released.add(n);
                                    durable.countDown();
                                });
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    submitted.countDown();
                });
            }
            // The burst is queued before the writer runs, so group commit must fold it into few syncs.
            assertThat(submitted.await(30, TimeUnit.SECONDS)).isTrue();
            writer.start();
            assertThat(durable.await(30, TimeUnit.SECONDS)).isTrue();
            writer.close();
            pool.shutdown();

            GroupCommitWriter.Stats stats = writer.stats();
            assertThat(stats.syncedEntries()).isEqualTo(writes);
            assertThat(stats.syncs()).isLessThan(writes);
            assertThat(released).hasSize(writes);
            assertThat(store.readAll()).hasSize(writes);
        }
    }

    @Test
    void effectsAreReleasedInSubmissionOrderAfterEarlierRecords() throws Exception {
        try (ParticipantStore store = ParticipantStore.open(dir)) {
            GroupCommitWriter writer = new GroupCommitWriter("test-log", store, 100, 3, e -> {});
            List<String> order = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            writer.submit(List.of(new Record.Incarnation(1)), true, () -> order.add("incarnation"));
            writer.submit(List.of(), false, () -> order.add("reply without records"));
            writer.submit(List.of(new Record.Incarnation(2)), false, () -> order.add("second"));
            writer.submit(List.of(), false, () -> {
                order.add("last");
                done.countDown();
            });
            writer.start();
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            writer.close();
            assertThat(order).containsExactly("incarnation", "reply without records", "second", "last");
        }
    }
}
