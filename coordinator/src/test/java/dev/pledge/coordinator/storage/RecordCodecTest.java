package dev.pledge.coordinator.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.coordinator.protocol.Record;
import dev.pledge.core.AbortReason;
import dev.pledge.core.Limits;
import dev.pledge.core.TxId;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
    private final TxId tx = new TxId("coord-1", 3, 9);

    @Test
    void everyRecordKindSurvivesTheRoundTrip() throws IOException {
        TxId watermark = new TxId("coord-1", 3, 1);
        List<Record> records = List.of(new Record.Epoch(3), new Record.Storage(-42L, 3),
                new Record.OnePhase(tx, "shard-a", null), new Record.OnePhase(tx, "shard-a", "00ff"),
                new Record.Commit(tx, List.of("shard-a"), List.of("shard-a", "course-c"), "00ff", Map.of("shard-a", 7L)),
                new Record.Abort(tx, List.of("shard-a"), AbortReason.PARTICIPANT_VOTED_NO, "course full \ud83d\ude00", 5),
                new Record.End(tx, 9, List.of("lost")), new Record.Forget(tx, watermark), new Record.Forget(tx, null));
        for (Record r : records) {
            byte[] bytes = RecordCodec.encode(r);
            assertThat(bytes[0]).isEqualTo((byte) RecordCodec.VERSION);
            assertThat(RecordCodec.decode(bytes)).isEqualTo(r);
        }
    }

    @Test
    void aLogWrittenInVersionTwoStillDecodes() throws IOException {
        // captured from the version-2 encoder: strings by writeUTF, the abort reason by its name
        TxId t = new TxId("coord-1", 3, 42);
        String txId = "0007636f6f72642d310000000000000003000000000000002a";
        String shardA = "000773686172642d61";
        HexFormat hex = HexFormat.of();
        assertThat(RecordCodec.decode(hex.parseHex("02020" + txId.substring(1) + shardA + "000430306666")))
                .isEqualTo(new Record.OnePhase(t, "shard-a", "00ff"));
        assertThat(RecordCodec.decode(hex.parseHex("0203" + txId + "00000001" + shardA + "00000002" + shardA
                + "0008636f757273652d63" + "01000430306666" + "00000001" + shardA + "0000000000000007")))
                .isEqualTo(new Record.Commit(t, List.of("shard-a"), List.of("shard-a", "course-c"), "00ff", Map.of("shard-a", 7L)));
        assertThat(RecordCodec.decode(hex.parseHex("0204" + txId + "00000001" + shardA
                + "00145041525449434950414e545f564f5445445f4e4f" + "000b636f757273652066756c6c" + "000001937ed9727b")))
                .isEqualTo(new Record.Abort(t, List.of("shard-a"), AbortReason.PARTICIPANT_VOTED_NO, "course full", 1_733_000_000_123L));
        assertThat(RecordCodec.decode(hex.parseHex("0205" + txId + "000001937ed973c8" + "0000000100046c6f7374")))
                .isEqualTo(new Record.End(t, 1_733_000_000_456L, List.of("lost")));
        assertThat(RecordCodec.decode(hex.parseHex("0206" + txId + "01" + txId.substring(0, txId.length() - 2) + "28")))
                .isEqualTo(new Record.Forget(t, new TxId("coord-1", 3, 40)));
        assertThat(RecordCodec.decode(hex.parseHex("0207ffffffffffffffd60000000000000003"))).isEqualTo(new Record.Storage(-42L, 3));
        assertThat(RecordCodec.decode(hex.parseHex("02010000000000000003"))).isEqualTo(new Record.Epoch(3));
    }

    @Test
    void anAbortReasonIdThisBuildDoesNotKnowFailsNamingIt() {
        byte[] bytes = RecordCodec.encode(new Record.Abort(tx, List.of(), AbortReason.CLIENT_REQUESTED, "", 5));
        int reasonAt = bytes.length - 8 - 4 - 1; // reason id, empty message (int length), decidedAtMs
        assertThat(bytes[reasonAt]).isEqualTo((byte) AbortReason.CLIENT_REQUESTED.onDiskId());
        bytes[reasonAt] = (byte) 250;
        assertThatThrownBy(() -> RecordCodec.decode(bytes))
                .isInstanceOf(IOException.class).hasMessage("unknown on-disk id 250 for AbortReason");
    }

    @Test
    void aVersionTwoAbortReasonThisBuildDoesNotKnowFailsNamingIt() {
        byte[] bytes = HexFormat.of().parseHex("0204" + "0007636f6f72642d310000000000000003000000000000002a"
                + "00000000" + "0003464f4f" + "0000" + "0000000000000005");
        assertThatThrownBy(() -> RecordCodec.decode(bytes)).isInstanceOf(IOException.class).hasMessage("unknown abort reason FOO");
    }

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
