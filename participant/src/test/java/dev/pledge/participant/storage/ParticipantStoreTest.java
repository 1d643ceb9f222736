package dev.pledge.participant.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.core.TxId;
import dev.pledge.participant.protocol.Key;
import dev.pledge.participant.protocol.Record;
import dev.pledge.participant.protocol.Write;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParticipantStoreTest {
    @TempDir
    Path dir;

    private final TxId t1 = new TxId("coord-1", 3, 1);
    private final TxId t2 = new TxId("coord.with.dots", 3, 2);
    private final Key k = Key.utf8("student:42");

    private Record.Prepared prepared(TxId tx) {
        return new Record.Prepared(tx, List.of(Write.put(k, "enrolled".getBytes()), Write.delete(Key.utf8("gone"))),
                List.of("student-a", "course-c"), tx.coordinatorId(), 2, 1_234);
    }

    @Test
    void aCheckpointOpensAsAStoreOfItsOwnHoldingWhatTheStoreHeldThen() throws Exception {
        Path copy = dir.resolve("checkpoint");
        try (ParticipantStore s = ParticipantStore.open(dir.resolve("store"))) {
            s.write(List.of(new Record.Incarnation(2), prepared(t1)), true);
            s.writeOps(List.of(ParticipantLayout.replicatedUpTo(new ReplicatedPosition(4, 17))), false);
            s.checkpoint(copy);
            s.write(List.of(new Record.Applied(t1, prepared(t1).writes(), 500)), true);
        }
        try (ParticipantStore c = ParticipantStore.open(copy)) {
            assertThat(c.readAll()).containsExactly(new Record.Incarnation(2), prepared(t1));
            assertThat(ParticipantLayout.replicatedPosition(c.view())).isEqualTo(new ReplicatedPosition(4, 17));
            assertThat(c.get(k.bytes())).isNull();
        }
    }

    @Test
    void withRecyclingOnEverySyncedWriteGoesIntoARecycledLogFromTheStartAndReopenKeepsOnlyTheRecords() throws Exception {
        WalRecycling recycling = new WalRecycling(2, WalRecycling.MIB);
        try (ParticipantStore s = ParticipantStore.open(dir, recycling)) {
            assertThat(RocksLog.lines(dir)).as("the pre-written first log is reused before open returns")
                    .anyMatch(line -> line.contains("reusing log") && line.contains("from recycle list"));
            s.write(List.of(new Record.Storage(-5L), new Record.Incarnation(2), prepared(t1)), true);
        }
        try (ParticipantStore s = ParticipantStore.open(dir, recycling)) {
            assertThat(s.readAll()).containsExactly(new Record.Storage(-5L), new Record.Incarnation(2), prepared(t1));
            assertThat(s.view().get(ParticipantLayout.DEFAULT, "wal-pre-write".getBytes())).as("the filler is deleted").isNull();
        }
        try (ParticipantStore s = ParticipantStore.open(dir.resolve("off"))) {
            assertThat(RocksLog.lines(dir.resolve("off"))).noneMatch(line -> line.contains("reusing log"));
        }
    }

    @Test
    void recordsSurviveReopen() throws Exception {
        try (ParticipantStore s = ParticipantStore.open(dir)) {
            s.write(List.of(new Record.Storage(-5L), new Record.Incarnation(2), prepared(t1), prepared(t2)), true);
            s.write(List.of(new Record.Concluded(t2, Record.Final.ABORTED, 99)), false);
        }
        try (ParticipantStore s = ParticipantStore.open(dir)) {
            assertThat(s.readAll()).containsExactly(new Record.Storage(-5L), new Record.Incarnation(2), prepared(t1),
                    new Record.Concluded(t2, Record.Final.ABORTED, 99));
        }
    }

    @Test
    void commitAppliesDataDropsPreparedAndRecordsTheOutcomeTogether() throws Exception {
        try (ParticipantStore s = ParticipantStore.open(dir)) {
            s.write(List.of(new Record.Incarnation(1), prepared(t1)), true);
            s.write(List.of(new Record.Applied(t1, prepared(t1).writes(), 500)), true);
            assertThat(s.get(k.bytes())).isEqualTo("enrolled".getBytes());
            assertThat(s.get("gone".getBytes())).isNull();
            assertThat(s.readAll()).containsExactly(new Record.Incarnation(1),
                    new Record.Concluded(t1, Record.Final.COMMITTED, 500));
        }
    }

    @Test
    void aHeuristicCommitReadsBackAsItsHeuristicOutcome() throws Exception {
        try (ParticipantStore s = ParticipantStore.open(dir)) {
            s.write(List.of(prepared(t1)), true);
            s.write(List.of(new Record.Applied(t1, prepared(t1).writes(), 7, Record.Final.HEURISTIC_COMMITTED)), true);
            assertThat(s.readAll()).containsExactly(new Record.Concluded(t1, Record.Final.HEURISTIC_COMMITTED, 7));
        }
    }

    @Test
    void forgottenOutcomesAreDeleted() throws Exception {
        try (ParticipantStore s = ParticipantStore.open(dir)) {
            s.write(List.of(new Record.Concluded(t1, Record.Final.READ_ONLY, 5)), true);
            s.write(List.of(new Record.OutcomeForgotten(t1)), false);
            assertThat(s.readAll()).isEmpty();
        }
    }

    @Test
    void secondOpenOfTheSameDirFailsWithAClearMessage() {
        try (ParticipantStore first = ParticipantStore.open(dir)) {
            assertThat(first.dir()).isEqualTo(dir);
            assertThatThrownBy(() -> ParticipantStore.open(dir))
                    .isInstanceOf(StoreInUseException.class)
                    .hasMessageContaining("is in use by another process");
        }
    }
}
