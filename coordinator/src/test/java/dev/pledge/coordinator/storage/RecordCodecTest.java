package dev.pledge.coordinator.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.coordinator.protocol.Record;
import dev.pledge.core.TxId;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
    private final TxId tx = new TxId("coord-1", 3, 9);

    @Test
    void requestKeysSurviveTheRoundTrip() throws IOException {
        Record.Commit c = new Record.Commit(tx, List.of("a"), List.of("a", "b"), "00ff");
        Record.OnePhase o = new Record.OnePhase(tx, "a", "00ff");
        assertThat(RecordCodec.decode(RecordCodec.encode(c))).isEqualTo(c);
        assertThat(RecordCodec.decode(RecordCodec.encode(o))).isEqualTo(o);
    }

    @Test
    void recordsWithoutAKeyKeepTheirOriginalBytesAndDecodeWithoutOne() throws IOException {
        Record.Commit c = new Record.Commit(tx, List.of("a"), List.of("a"));
        byte[] bytes = RecordCodec.encode(c);
        byte[] keyed = RecordCodec.encode(new Record.Commit(tx, List.of("a"), List.of("a"), "k"));
        assertThat(keyed.length).isGreaterThan(bytes.length);
        assertThat(java.util.Arrays.copyOf(keyed, bytes.length)).isEqualTo(bytes);
        assertThat(RecordCodec.decode(bytes)).isEqualTo(c);
    }
}
