package dev.pledge.demo.client;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LiveStatsTest {
    private static OpResult op(OpResult.Kind kind, String reason, long retriedUs, long operationsUs, long commitUs, String... retried) {
        return new OpResult(kind, reason, null, retriedUs + operationsUs + commitUs, retried.length + 1,
                new OpResult.Split(retriedUs, operationsUs, commitUs, List.of(retried)));
    }

    @Test
    void meanLatencyIsSplitIntoRetriedAttemptsOperationsWithLockWaitsAndCommit() {
        LiveStats stats = new LiveStats();
        stats.record(op(OpResult.Kind.COMMITTED, "", 0, 20_000, 10_000));
        stats.record(op(OpResult.Kind.COMMITTED, "", 30_000, 40_000, 20_000, "DEADLOCK_AVOIDED: older holder", "LOCK_TIMEOUT: key busy"));
        stats.record(op(OpResult.Kind.REJECTED, "COURSE_FULL: no seat", 0, 30_000, 0, "DEADLOCK_AVOIDED: older holder"));

        LiveStats.Interval i = stats.interval(1.0, 0, -1);

        assertThat(i.retriedMsMean()).isCloseTo(10.0, within(1e-9));
        assertThat(i.operationsMsMean()).isCloseTo(30.0, within(1e-9));
        assertThat(i.commitMsMean()).isCloseTo(10.0, within(1e-9));
        assertThat(i.latencyMsMean()).isCloseTo(50.0, within(1e-9));
        assertThat(i.retriesTotal()).isEqualTo(3);
        assertThat(i.retries()).isEqualTo(Map.of("DEADLOCK_AVOIDED", 2L, "LOCK_TIMEOUT", 1L));
        assertThat(i.reasons()).isEqualTo(Map.of("COURSE_FULL", 1L));
        assertThat(i.line("")).contains("mean  50.0 ms = ops & lock waits  30.0 + commit  10.0 + retried  10.0")
                .contains("retries 3 [DEADLOCK_AVOIDED 2, LOCK_TIMEOUT 1]");
    }

    @Test
    void theSplitAndRetriesCoverOnlyTheIntervalWhileOutcomeTotalsKeepGrowing() {
        LiveStats stats = new LiveStats();
        stats.record(op(OpResult.Kind.COMMITTED, "", 5_000, 20_000, 10_000, "LOCK_TIMEOUT: key busy"));
        stats.interval(1.0, 0, -1);
        stats.record(op(OpResult.Kind.COMMITTED, "", 0, 2_000, 4_000));

        LiveStats.Interval i = stats.interval(1.0, 0, -1);

        assertThat(i.committed()).isEqualTo(2);
        assertThat(i.txPerS()).isEqualTo(1.0);
        assertThat(i.operationsMsMean()).isCloseTo(2.0, within(1e-9));
        assertThat(i.commitMsMean()).isCloseTo(4.0, within(1e-9));
        assertThat(i.retriedMsMean()).isZero();
        assertThat(i.retriesTotal()).isZero();
        assertThat(i.line("")).endsWith("retries 0 | lock waits at participants ?/s");
    }

    @Test
    void anIntervalWithoutOperationsShowsZeroesNotNaN() {
        LiveStats.Interval i = new LiveStats().interval(1.0, -1, -1);

        assertThat(i.latencyMsMean()).isZero();
        assertThat(i.line("")).doesNotContain("NaN").contains("awaiting decision ?");
    }

    @Test
    void lockWaitsPerSecondComeFromTheParticipantsCountersAndAreUnknownAcrossARestart() {
        LiveStats stats = new LiveStats();

        assertThat(stats.interval(1.0, 0, 100).lockWaitsPerS()).as("no earlier count").isEqualTo(-1);
        LiveStats.Interval counted = stats.interval(2.0, 0, 160);
        assertThat(counted.lockWaitsPerS()).isEqualTo(30.0);
        assertThat(counted.line("")).contains("lock waits at participants 30/s");
        assertThat(stats.interval(1.0, 0, 5).lockWaitsPerS()).as("a participant restarted: its counter began again").isEqualTo(-1);
        assertThat(stats.interval(1.0, 0, -1).lockWaitsPerS()).as("a participant did not answer").isEqualTo(-1);
        assertThat(stats.interval(1.0, 0, 7).lockWaitsPerS()).as("no count last time").isEqualTo(-1);
        assertThat(stats.interval(1.0, 0, 7).lockWaitsPerS()).isZero();
    }
}
