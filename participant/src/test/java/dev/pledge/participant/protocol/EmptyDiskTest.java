package dev.pledge.participant.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.Incarnations;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A participant on an empty data directory is a new storage, never taken for its old self. */
class EmptyDiskTest {
    private static final long WALL_CLOCK_MS = 1_764_000_000_000L;

    @Test
    void anEmptyDataDirectoryGetsAStorageIdentitySyncedBeforeAnythingElseAndSaysSo() {
        ParticipantCore core = ParticipantCore.recover(CoreConfig.defaults("course-c"), List.of(), 0, new Random(1));
        Outputs start = core.step(new Event.Start(0, new Incarnations.Start(0, 77)));
        assertThat(start.records().get(0)).isEqualTo(new Record.Storage(77));
        assertThat(start.mustSync()).isTrue();
        assertThat(core.view().storageId()).isEqualTo(77);
        assertThat(start.logLines()).anyMatch(l -> l.text().contains("started on an empty data directory"));
    }

    @Test
    void theIncarnationOfAnEmptyDiskComesFromTheClockSoItDiffersFromAnyEarlierLife() {
        long floor = Incarnations.floor(WALL_CLOCK_MS, new Random(3));
        ParticipantCore core = ParticipantCore.recover(CoreConfig.defaults("course-c"), List.of(), 0, new Random(1));
        core.step(new Event.Start(0, new Incarnations.Start(floor, 77)));
        assertThat(core.view().incarnation()).isEqualTo(floor);
        assertThat(core.view().incarnation() / Incarnations.SPAN).isEqualTo(WALL_CLOCK_MS);
    }

    @Test
    void aRestartKeepsItsStorageIdentityAndItsIncarnationOnlyGrows() {
        List<Record> disk = List.of(new Record.Storage(77), new Record.Incarnation(5_000));
        ParticipantCore core = ParticipantCore.recover(CoreConfig.defaults("course-c"), disk, 0, new Random(1));
        Outputs start = core.step(new Event.Start(0, new Incarnations.Start(10, 88))); // a clock set back
        assertThat(core.view().storageId()).isEqualTo(77);
        assertThat(core.view().incarnation()).isEqualTo(5_001);
        assertThat(start.records()).containsExactly(new Record.Incarnation(5_001));
        assertThat(start.logLines()).noneMatch(l -> l.text().contains("empty data directory"));
    }

    @Test
    void aDirectoryFromBeforeStorageIdentitiesGetsOneQuietly() {
        List<Record> disk = List.of(new Record.Incarnation(3));
        ParticipantCore core = ParticipantCore.recover(CoreConfig.defaults("course-c"), disk, 0, new Random(1));
        Outputs start = core.step(new Event.Start(0, new Incarnations.Start(0, 88)));
        assertThat(start.records()).containsExactly(new Record.Storage(88), new Record.Incarnation(4));
        assertThat(start.logLines()).noneMatch(l -> l.text().contains("empty data directory"));
    }
}
