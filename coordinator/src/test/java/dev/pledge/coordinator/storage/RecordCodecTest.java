package dev.pledge.coordinator.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.coordinator.protocol.Record;
import dev.pledge.core.AbortReason;
import dev.pledge.core.Limits;
import dev.pledge.core.TxId;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    void storageIdentitiesVoterStoragesAndDamageSurviveTheRoundTrip() throws IOException {
        Map<String, Long> storages = new LinkedHashMap<>();
        storages.put("a", 0x1234_5678_9abc_def0L);
        storages.put("b", -7L);
        List<Record> records = List.of(
                new Record.Storage(-42L, 1_733_000_000_000_123L),
                new Record.Commit(tx, List.of("a", "b"), List.of("a", "b"), null, storages),
                new Record.Commit(tx, List.of("a"), List.of("a"), "k", Map.of("a", 5L)),
                new Record.End(tx, 77, List.of("participant b lost its writes")),
                new Record.End(tx, 78));
        for (Record r : records) assertThat(RecordCodec.decode(RecordCodec.encode(r))).isEqualTo(r);
    }

    @Test
    void anAbortCarryingAPeersMegabyteReasonStillEncodes() throws IOException {
        Record.Abort abort = new Record.Abort(tx, List.of("a"), AbortReason.PARTICIPANT_VOTED_NO, "x".repeat(1 << 20), 5);
        assertThat(abort.message()).hasSizeLessThanOrEqualTo(Limits.REASON_CHARS_MAX).endsWith("more characters)");
        assertThat(RecordCodec.decode(RecordCodec.encode(abort))).isEqualTo(abort);
    }

    @Test
    void versionOneCommitAndEndRecordsStillDecode() throws IOException {
        byte[] commit = v1(out -> {
            out.writeByte(RecordCodec.TAG_COMMIT);
            writeTxId(out);
            out.writeInt(1);
            out.writeUTF("a");
            out.writeInt(2);
            out.writeUTF("a");
            out.writeUTF("b");
            out.writeUTF("00ff"); // the trailing request key of version 1
        });
        byte[] end = v1(out -> {
            out.writeByte(RecordCodec.TAG_END);
            writeTxId(out);
            out.writeLong(99);
        });
        assertThat(RecordCodec.decode(commit)).isEqualTo(new Record.Commit(tx, List.of("a"), List.of("a", "b"), "00ff"));
        assertThat(RecordCodec.decode(end)).isEqualTo(new Record.End(tx, 99));
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] v1(Body body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            body.write(out);
        }
        return bytes.toByteArray();
    }

    private void writeTxId(DataOutputStream out) throws IOException {
        out.writeUTF(tx.coordinatorId());
        out.writeLong(tx.epoch());
        out.writeLong(tx.sequence());
    }
}
