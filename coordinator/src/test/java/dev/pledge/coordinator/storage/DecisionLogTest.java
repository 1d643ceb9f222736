package dev.pledge.coordinator.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.coordinator.protocol.Record;
import dev.pledge.core.AbortReason;
import dev.pledge.core.TxId;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionLogTest {
    private static final TxId T1 = new TxId("coord-1", 1, 1);
    private static final TxId T2 = new TxId("coord-1", 1, 2);
    private static final TxId T3 = new TxId("coord-1", 2, 1);

    @TempDir
    Path dir;

    @Test
    void recordsSurviveCloseAndReopenInReplayOrder() throws IOException {
        Record.Epoch epoch = new Record.Epoch(2);
        Record.OnePhase marker = new Record.OnePhase(T3, "course-c");
        Record.Commit commit = new Record.Commit(T1, List.of("student-a"), List.of("student-a", "course-c"));
        Record.End end = new Record.End(T1, 1234);
        Record.Abort abort = new Record.Abort(T2, List.of("student-b"), AbortReason.PARTICIPANT_VOTED_NO,
                "participant course-c voted NO: course full", 99);
        try (DecisionLog log = DecisionLog.open(dir)) {
            log.write(List.of(new Record.Epoch(1)), true);
            log.write(List.of(commit, abort), false);
            log.write(List.of(end, marker, epoch), true);
        }
        try (DecisionLog log = DecisionLog.open(dir)) {
            assertThat(log.readAll()).containsExactly(epoch, commit, end, abort, marker);
        }
    }

    @Test
    void forgetDropsTheTransactionAndKeepsTheWatermarkInTheSameBatch() throws IOException {
        Record.Forget forget = new Record.Forget(T1, T1);
        try (DecisionLog log = DecisionLog.open(dir)) {
            log.write(List.of(new Record.Commit(T1, List.of("a"), List.of("a")), new Record.End(T1, 5)), true);
            log.write(List.of(new Record.Abort(T2, List.of(), AbortReason.CLIENT_REQUESTED, "", 1)), false);
            log.write(List.of(forget, new Record.Forget(T2, null)), false);
        }
        try (DecisionLog log = DecisionLog.open(dir)) {
            assertThat(log.readAll()).containsExactly(forget);
        }
    }

    @Test
    void aSecondOpenOfTheSameDataDirFailsWithAClearMessage() throws IOException {
        try (DecisionLog first = DecisionLog.open(dir)) {
            assertThatThrownBy(() -> DecisionLog.open(dir))
                    .isInstanceOf(IOException.class)
                    .hasMessage("data dir " + dir + " is in use by another process");
        }
    }

    @Test
    void everyRecordKindRoundTripsThroughTheCodec() throws IOException {
        List<Record> all = List.of(new Record.Epoch(7), new Record.OnePhase(T1, "p"),
                new Record.Commit(T1, List.of(), List.of("x", "y")), new Record.End(T1, 3),
                new Record.Abort(T2, List.of("x"), AbortReason.DEADLINE_EXCEEDED, "deadline passed", 4),
                new Record.Forget(T2, null), new Record.Forget(T1, T3));
        for (Record r : all) {
            assertThat(RecordCodec.decode(RecordCodec.encode(r))).isEqualTo(r);
        }
    }

    @Test
    void anUnknownFormatVersionIsRejectedNotMisread() {
        byte[] bytes = RecordCodec.encode(new Record.Epoch(1));
        bytes[0] = 9;
        assertThatThrownBy(() -> RecordCodec.decode(bytes)).isInstanceOf(IOException.class).hasMessageContaining("version 9");
    }
}
