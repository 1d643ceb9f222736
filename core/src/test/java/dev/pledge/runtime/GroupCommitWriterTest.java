package dev.pledge.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class GroupCommitWriterTest {
    private static final long HOUR_NS = TimeUnit.HOURS.toNanos(1);

    /** Records each write; can be held inside a write, and can fail. */
    private static final class Store implements LogStore<String> {
        final List<String> writes = Collections.synchronizedList(new ArrayList<>());
        volatile CountDownLatch hold;
        final CountDownLatch entered = new CountDownLatch(1);
        volatile Exception failWith;

        @Override
        public void write(List<String> records, boolean sync) throws Exception {
            entered.countDown();
            CountDownLatch h = hold;
            if (h != null) h.await();
            if (failWith != null) throw failWith;
            writes.add(String.join("+", records) + (sync ? " sync" : ""));
        }
    }

    private static final class Heard implements GroupCommitWriter.Listener {
        final AtomicReference<Throwable> failed = new AtomicReference<>();

        @Override
        public void writeFailed(Throwable cause) {
            failed.set(cause);
        }

        @Override
        public void releaseFailed(RuntimeException e) {}
    }

    private final Store store = new Store();
    private final Heard heard = new Heard();

    private GroupCommitWriter<String> writer(int batchMax, long lingerNs) {
        GroupCommitWriter<String> w = new GroupCommitWriter<>("test-log", store,
                new GroupCommitWriter.Settings(1_000, batchMax, lingerNs), heard);
        w.start();
        return w;
    }

    @Test
    void entriesQueuedBehindAWriteShareOneSync() throws Exception {
        store.hold = new CountDownLatch(1);
        List<Integer> released = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(51);
        try (GroupCommitWriter<String> w = writer(1_000, 0)) {
            w.submit(List.of("first"), true, () -> { released.add(0); all.countDown(); });
            assertThat(store.entered.await(30, TimeUnit.SECONDS)).as("the writer holds the first batch").isTrue();
            for (int i = 1; i <= 50; i++) {
                int n = i;
                w.submit(List.of("r" + i), true, () -> { released.add(n); all.countDown(); });
            }
            store.hold.countDown();
            assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
            LogStats s = w.stats();
            assertThat(s.syncedEntries()).isEqualTo(51);
            assertThat(s.syncs()).isEqualTo(2);
            assertThat(s.batchEntriesMax()).isEqualTo(50);
        }
        assertThat(released).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(0, 50).boxed().toList());
    }

    @Test
    void aLoneLingeringEntryWaitsForTheNextUrgentOneAndSharesItsSync() throws Exception {
        CountDownLatch both = new CountDownLatch(2);
        try (GroupCommitWriter<String> w = writer(100, HOUR_NS)) {
            w.submit(List.of("commit"), true, true, both::countDown);
            assertThat(both.await(200, TimeUnit.MILLISECONDS)).as("held for company").isFalse();
            w.submit(List.of("prepared"), true, false, both::countDown);
            assertThat(both.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(store.writes).containsExactly("commit+prepared sync");
            assertThat(w.stats().lingered()).isEqualTo(1);
        }
    }

    @Test
    void aLingeringEntryGoesAloneOnceTheLingerIsOver() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        try (GroupCommitWriter<String> w = writer(100, TimeUnit.MILLISECONDS.toNanos(20))) {
            w.submit(List.of("commit"), true, true, done::countDown);
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(store.writes).containsExactly("commit sync");
        }
    }

    @Test
    void closeWritesWhatIsQueuedEvenIfItLingers() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        GroupCommitWriter<String> w = writer(100, HOUR_NS);
        w.submit(List.of("commit"), true, true, done::countDown);
        w.close();
        assertThat(done.getCount()).isZero();
        assertThatThrownBy(() -> w.submit(List.of("late"), true, () -> {})).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFailedWriteIsReportedOnceAndNothingAfterItIsReleased() throws Exception {
        store.failWith = new java.io.IOException("no space left on device");
        CountDownLatch released = new CountDownLatch(1);
        try (GroupCommitWriter<String> w = writer(100, 0)) {
            w.submit(List.of("r"), true, released::countDown);
            org.awaitility.Awaitility.await().until(w::failed);
            assertThat(heard.failed.get()).hasMessageContaining("no space");
            assertThat(released.getCount()).isEqualTo(1);
            assertThatThrownBy(() -> w.submit(List.of(), false, () -> {})).isInstanceOf(IllegalStateException.class);
        }
    }
}
