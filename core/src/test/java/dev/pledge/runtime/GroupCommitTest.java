package dev.pledge.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
    /** A store that remembers each write and whether it synced. */
    private static final class Disk implements LogStore<String> {
        final List<String> written = new ArrayList<>();
        final List<String> synced = new ArrayList<>();

        @Override
        public void write(List<String> records, boolean sync) {
            written.addAll(records);
            if (sync) synced.clear();
            if (sync) synced.addAll(written);
        }
    }

    private final List<String> released = new ArrayList<>();
    private final Disk disk = new Disk();

    private Runnable note(String what) {
        return () -> released.add(what);
    }

    private void flush(GroupCommit<String> log) throws Exception {
        GroupCommit.Batch<String> b = log.take();
        b.write(disk);
        b.count();
        b.release(e -> { throw e; });
        log.done(b);
    }

    @Test
    void releasesOnlyAfterTheWriteAndInSubmissionOrder() throws Exception {
        GroupCommit<String> log = new GroupCommit<>(100);
        log.submit(List.of("r1"), true, false, note("a")).run();
        log.submit(List.of(), false, false, note("b")).run();
        log.submit(List.of("r2"), false, false, note("c")).run();
        assertThat(released).isEmpty();

        flush(log);

        assertThat(released).containsExactly("a", "b", "c");
        assertThat(disk.written).containsExactly("r1", "r2");
        assertThat(disk.synced).containsExactly("r1", "r2");
        assertThat(log.stats()).isEqualTo(new LogStats(1, 1, 2, 3, 1, 3, 0));
    }

    @Test
    void lingeringEntriesAreReleasedAfterTheUrgentOnesOfTheirBatchEachInSubmissionOrder() throws Exception {
        GroupCommit<String> log = new GroupCommit<>(100);
        log.submit(List.of("commit1"), true, true, note("ack1")).run();
        log.submit(List.of("commit2"), true, true, note("ack2")).run();
        log.submit(List.of("prepare1"), true, false, note("vote1")).run();
        log.submit(List.of("prepare2"), true, false, note("vote2")).run();

        flush(log);

        assertThat(released).containsExactly("vote1", "vote2", "ack1", "ack2");
        assertThat(disk.synced).as("records keep submission order").containsExactly("commit1", "commit2", "prepare1",
                "prepare2");
    }

    @Test
    void anEntryWithoutRecordsRunsAtOnceOnlyWhenNothingIsWaitingOrInFlight() throws Exception {
        GroupCommit<String> log = new GroupCommit<>(100);
        Runnable now = log.submit(List.of(), false, false, note("idle"));
        now.run();
        assertThat(released).containsExactly("idle");

        log.submit(List.of("r"), true, false, note("a")).run();
        GroupCommit.Batch<String> b = log.take();
        log.submit(List.of(), false, false, note("behind")).run();
        assertThat(released).containsExactly("idle");
        b.write(disk);
        b.count();
        b.release(e -> {});
        log.done(b);
        assertThat(released).containsExactly("idle", "a");
        flush(log);
        assertThat(released).containsExactly("idle", "a", "behind");
    }

    @Test
    void aBatchTakesAtMostTheLimitOfEntries() {
        GroupCommit<String> log = new GroupCommit<>(2);
        for (int i = 0; i < 5; i++) log.submit(List.of("r" + i), true, false, note("e" + i)).run();
        assertThat(log.take().size()).isEqualTo(2);
        assertThat(log.queued()).isEqualTo(3);
    }

    @Test
    void onlyLingeringWhenEveryWaitingEntryLingersAndIsSynced() {
        GroupCommit<String> log = new GroupCommit<>(100);
        assertThat(log.onlyLingering()).isFalse();
        log.submit(List.of("commit"), true, true, note("ack")).run();
        assertThat(log.onlyLingering()).isTrue();
        log.submit(List.of("unsynced"), false, true, note("x")).run();
        assertThat(log.onlyLingering()).as("an unsynced entry has nothing to wait for").isFalse();
    }

    @Test
    void aFailedWriteReleasesNothingAndRefusesLaterSubmissions() {
        GroupCommit<String> log = new GroupCommit<>(100);
        log.submit(List.of("r"), true, false, note("a")).run();
        GroupCommit.Batch<String> b = log.take();
        log.submit(List.of("r2"), true, false, note("b")).run();
        log.fail(new java.io.IOException("disk full"));

        assertThat(log.queued()).isZero();
        assertThat(released).isEmpty();
        assertThatThrownBy(() -> log.submit(List.of(), false, false, note("c")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("disk full");
        assertThatThrownBy(() -> b.release(e -> {})).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aThrowingActionDoesNotStopTheOthers() throws Exception {
        GroupCommit<String> log = new GroupCommit<>(100);
        log.submit(List.of("r"), true, false, () -> { throw new IllegalStateException("boom"); }).run();
        log.submit(List.of("s"), true, false, note("b")).run();
        List<RuntimeException> faults = new ArrayList<>();
        GroupCommit.Batch<String> batch = log.take();
        batch.write(disk);
        batch.release(faults::add);
        log.done(batch);
        assertThat(faults).hasSize(1);
        assertThat(released).containsExactly("b");
        assertThat(log.idle()).isTrue();
    }

    @Test
    void defectWriterSkipsSync() throws Exception {
        GroupCommit<String> log = new GroupCommit<>(100, Set.of(Defect.WRITER_SKIPS_SYNC));
        log.submit(List.of("r"), true, false, note("a")).run();
        flush(log);
        assertThat(disk.written).containsExactly("r");
        assertThat(disk.synced).isEmpty();
    }

    @Test
    void defectReleasedBeforeDurable() {
        GroupCommit<String> log = new GroupCommit<>(100, Set.of(Defect.RELEASED_BEFORE_DURABLE));
        log.submit(List.of("r"), true, false, note("a")).run();
        assertThat(released).containsExactly("a");
        assertThat(disk.written).isEmpty();
    }

    @Test
    void defectLingeringAckedBeforeSync() {
        GroupCommit<String> log = new GroupCommit<>(100, Set.of(Defect.LINGERING_ACKED_BEFORE_SYNC));
        log.submit(List.of("urgent"), true, false, note("vote")).run();
        log.submit(List.of("commit"), true, true, note("ack")).run();
        assertThat(released).containsExactly("ack");
    }
}
