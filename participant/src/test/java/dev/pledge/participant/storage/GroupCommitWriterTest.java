package dev.pledge.participant.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pledge.core.TxId;
import dev.pledge.participant.protocol.Record;
import dev.pledge.runtime.GroupCommitWriter;
import dev.pledge.runtime.LogStats;
import dev.pledge.runtime.LogStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared group-commit writer over a real participant store (RocksDB, real syncs). */
class GroupCommitWriterTest {
    private static GroupCommitWriter<Record> writer(LogStore<Record> store, int queueMax, int batchMax, long lingerNs) {
        return new GroupCommitWriter<>("test-log", store, new GroupCommitWriter.Settings(queueMax, batchMax, lingerNs),
                new GroupCommitWriter.Listener() {
                    @Override
                    public void writeFailed(Throwable cause) {}

                    @Override
                    public void releaseFailed(RuntimeException e) {}
                });
    }

    @TempDir
    Path dir;

    @Test
    void concurrentSyncedWritesShareFsyncs() throws Exception {
        int writes = 50;
        try (ParticipantStore store = ParticipantStore.open(dir)) {
            GroupCommitWriter<Record> writer = writer(store, 1_000, 1_000, 0);
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

            LogStats stats = writer.stats();
            assertThat(stats.syncedEntries()).isEqualTo(writes);
            assertThat(stats.syncs()).isLessThan(writes);
            assertThat(released).hasSize(writes);
            assertThat(store.readAll()).hasSize(writes);
        }
    }

    @Test
    void anUnsyncedEntryWithNothingBeforeItIsWrittenByItsSubmitterButNeverOvertakes() throws Exception {
        try (ParticipantStore store = ParticipantStore.open(dir)) {
            // The writer thread is not started: only the submitter can write.
            GroupCommitWriter<Record> writer = writer(store, 1_000, 1_000, 0);
            List<String> released = new CopyOnWriteArrayList<>();
            writer.submit(List.of(new Record.Concluded(new TxId("coord-1", 1, 1), Record.Final.ABORTED, 1)), false,
                    () -> released.add("unsynced, alone"));
            assertThat(released).containsExactly("unsynced, alone");
            assertThat(store.readAll()).hasSize(1);

            writer.submit(List.of(new Record.Concluded(new TxId("coord-1", 1, 2), Record.Final.ABORTED, 2)), true,
                    () -> released.add("synced"));
            writer.submit(List.of(new Record.Concluded(new TxId("coord-1", 1, 3), Record.Final.ABORTED, 3)), false,
                    () -> released.add("unsynced, behind a sync"));
            assertThat(released).as("nothing overtakes the synced entry waiting for the writer").hasSize(1);

            writer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> released.size() == 3);
            assertThat(released).containsExactly("unsynced, alone", "synced", "unsynced, behind a sync");
            assertThat(store.readAll()).hasSize(3);
            writer.close();
        }
    }

    @Test
    void anUnsyncedEntryForAStoreWhoseWritesAreRoundTripsWaitsForTheWriter() throws Exception {
        try (ParticipantStore store = ParticipantStore.open(dir)) {
            LogStore<Record> remote = new LogStore<>() {
                @Override
                public void write(List<Record> records, boolean sync) throws Exception {
                    store.write(records, sync);
                }

                @Override
                public boolean writesAreLocal() {
                    return false;
                }
            };
            GroupCommitWriter<Record> writer = writer(remote, 1_000, 1_000, 0);
            List<String> released = new CopyOnWriteArrayList<>();
            writer.submit(List.of(new Record.Concluded(new TxId("coord-1", 1, 1), Record.Final.ABORTED, 1)), false,
                    () -> released.add("unsynced"));
            assertThat(released).as("not written on the submitter's thread").isEmpty();

            writer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> released.size() == 1);
            assertThat(store.readAll()).hasSize(1);
            writer.close();
        }
    }

    @Test
    void effectsAreReleasedInSubmissionOrderAfterEarlierRecords() throws Exception {
        try (ParticipantStore store = ParticipantStore.open(dir)) {
            GroupCommitWriter<Record> writer = writer(store, 100, 3, 0);
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

    /** A sink that remembers each write: how many records, and whether it was synced. */
    private static final class RecordingSink implements LogStore<Record> {
        final List<String> writes = new CopyOnWriteArrayList<>();

        @Override
        public void write(List<Record> records, boolean sync) {
            writes.add(records.size() + (sync ? " synced" : " unsynced"));
        }
    }

    private static Record concluded(long seq) {
        return new Record.Concluded(new TxId("coord-1", 1, seq), Record.Final.COMMITTED, seq);
    }

    /** Starts the writer with one lingering commit and returns once the writer holds it, waiting. */
    private static List<String> lingeringCommitTaken(GroupCommitWriter<Record> writer) throws InterruptedException {
        writer.start();
        List<String> released = new CopyOnWriteArrayList<>();
        writer.submit(List.of(concluded(1)), true, true, () -> released.add("commit"));
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.stats().lingered() == 1);
        return released;
    }

    @Test
    void aLingeringCommitSharesTheSyncOfTheNextSubmission() throws Exception {
        RecordingSink sink = new RecordingSink();
        try (GroupCommitWriter<Record> writer = writer(sink, 100, 100, Duration.ofHours(1).toNanos())) {
            List<String> released = lingeringCommitTaken(writer);

            writer.submit(List.of(concluded(2)), true, () -> released.add("prepared"));
            await().atMost(Duration.ofSeconds(10)).until(() -> released.size() == 2);
            assertThat(released).as("the vote leaves before the acknowledgement that waited for it")
                    .containsExactly("prepared", "commit");
            assertThat(sink.writes).containsExactly("2 synced");
        }
    }

    @Test
    void aLingeringCommitAloneIsSyncedWhenTheLingerEnds() throws Exception {
        RecordingSink sink = new RecordingSink();
        try (GroupCommitWriter<Record> writer = writer(sink, 100, 100, Duration.ofMillis(20).toNanos())) {
            writer.start();
            AtomicInteger released = new AtomicInteger();
            writer.submit(List.of(concluded(1)), true, true, released::incrementAndGet);
            await().atMost(Duration.ofSeconds(10)).until(() -> released.get() == 1);
            assertThat(sink.writes).containsExactly("1 synced");
        }
    }

    @Test
    void anythingArrivingEndsTheLingerAndItsEffectsGoFirst() throws Exception {
        RecordingSink sink = new RecordingSink();
        try (GroupCommitWriter<Record> writer = writer(sink, 100, 100, Duration.ofHours(1).toNanos())) {
            List<String> released = lingeringCommitTaken(writer);

            writer.submit(List.of(), false, () -> released.add("reply"));
            await().atMost(Duration.ofSeconds(10)).until(() -> released.size() == 2);
            assertThat(released).containsExactly("reply", "commit");
            assertThat(sink.writes).containsExactly("1 synced");
        }
    }

    @Test
    void onlyCommitsMarkedLingeringWait() throws Exception {
        RecordingSink sink = new RecordingSink();
        try (GroupCommitWriter<Record> writer = writer(sink, 100, 100, Duration.ofHours(1).toNanos())) {
            writer.start();
            // Each alone in its batch: had either lingered, it would wait the full hour.
            CountDownLatch prepared = new CountDownLatch(1);
            writer.submit(List.of(concluded(1)), true, prepared::countDown);
            assertThat(prepared.await(10, TimeUnit.SECONDS)).isTrue();
            CountDownLatch unsynced = new CountDownLatch(1);
            writer.submit(List.of(concluded(2)), false, true, unsynced::countDown);
            assertThat(unsynced.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(writer.stats().lingered()).isZero();
        }
    }
}
