package dev.pledge.participant.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.core.TxId;
import dev.pledge.participant.protocol.Key;
import dev.pledge.participant.protocol.Record;
import dev.pledge.participant.protocol.Write;
import dev.pledge.runtime.KvOp;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    private final TxId tx = new TxId("coord-1", 3, 42);
    private final Record.Prepared prepared = new Record.Prepared(tx,
            List.of(Write.put(Key.utf8("student/7"), new byte[] {1, 2, 3}), Write.delete(Key.utf8("course/c"))),
            List.of("shard-a", "course-c"), "coord-1", 5, 1_733_000_000_123L);

    /** Bytes the participant wrote before the shared convention (version 1), captured from that encoder. */
    private static final String V1_TX_KEY = "00000007636f6f72642d310000000000000003000000000000002a";
    private static final String V1_PREPARED = "01000000020000000973747564656e742f370100000003010203"
            + "00000008636f757273652f6300000000020000000773686172642d6100000008636f757273652d63"
            + "00000007636f6f72642d310000000000000005000001937ed9727b";
    private static final String V1_OUTCOME_TAIL = "000001937ed973c8";
    private static final String V1_LONG_MINUS_42 = "ffffffffffffffd6";

    @Test
    void everyValueRoundTrips() throws IOException {
        assertThat(RecordCodec.decodeTxKey(RecordCodec.txKey(tx))).isEqualTo(tx);
        assertThat(RecordCodec.decodePrepared(tx, RecordCodec.prepared(prepared))).isEqualTo(prepared);
        for (Record.Final state : Record.Final.values()) {
            assertThat(RecordCodec.decodeOutcome(tx, RecordCodec.outcome(state, 77))).isEqualTo(new Record.Concluded(tx, state, 77));
        }
        assertThat(RecordCodec.decodeLong(RecordCodec.longValue(-42L))).isEqualTo(-42L);
        assertThat(RecordCodec.decodeLong(RecordCodec.longValue(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aReplicatedBatchCarriesExactlyTheChangesTheLayoutMakes() throws IOException {
        List<Record> records = List.of(new Record.Incarnation(3), prepared, new Record.Applied(tx, prepared.writes(), 9),
                new Record.OutcomeForgotten(new TxId("coord-2", 1, 1)));
        List<KvOp> ops = ParticipantLayout.INSTANCE.ops(records);
        List<KvOp> decoded = ParticipantLayout.INSTANCE.decodeBatch(ParticipantLayout.INSTANCE.encodeBatch(records));
        assertThat(decoded).hasSameSizeAs(ops);
        for (int i = 0; i < ops.size(); i++) {
            assertThat(decoded.get(i).family()).isEqualTo(ops.get(i).family());
            assertThat(decoded.get(i).key()).isEqualTo(ops.get(i).key());
            assertThat(decoded.get(i).value()).isEqualTo(ops.get(i).value());
        }
    }

    @Test
    void aBatchNamingAFamilyTheStoreLacksIsRefused() {
        byte[] batch = RecordCodec.batch(List.of(KvOp.put("no-such-family", new byte[] {1}, new byte[] {2})));
        assertThatThrownBy(() -> ParticipantLayout.INSTANCE.decodeBatch(batch))
                .isInstanceOf(IOException.class).hasMessageContaining("no family no-such-family");
    }

    @Test
    void everyStoredValueStartsWithTheVersionByte() {
        assertThat(RecordCodec.prepared(prepared)[0]).isEqualTo((byte) RecordCodec.VERSION);
        assertThat(RecordCodec.outcome(Record.Final.ABORTED, 1)[0]).isEqualTo((byte) RecordCodec.VERSION);
        assertThat(RecordCodec.longValue(7)).hasSize(9).startsWith(RecordCodec.VERSION);
    }

    @Test
    void aDataDirectoryWrittenBeforeTheSharedConventionStillDecodes() throws IOException {
        assertThat(RecordCodec.decodeTxKey(HEX.parseHex(V1_TX_KEY))).isEqualTo(tx);
        assertThat(RecordCodec.txKey(tx)).isEqualTo(HEX.parseHex(V1_TX_KEY));
        assertThat(RecordCodec.decodePrepared(tx, HEX.parseHex(V1_PREPARED))).isEqualTo(prepared);
        List<Record.Final> byOldOrdinal = List.of(Record.Final.COMMITTED, Record.Final.ABORTED, Record.Final.READ_ONLY,
                Record.Final.HEURISTIC_COMMITTED, Record.Final.HEURISTIC_ABORTED, Record.Final.HEURISTIC_MIXED);
        for (int ordinal = 0; ordinal < byOldOrdinal.size(); ordinal++) {
            byte[] v1 = HEX.parseHex("010" + ordinal + V1_OUTCOME_TAIL);
            assertThat(RecordCodec.decodeOutcome(tx, v1))
                    .isEqualTo(new Record.Concluded(tx, byOldOrdinal.get(ordinal), 1_733_000_000_456L));
        }
        assertThat(RecordCodec.decodeLong(HEX.parseHex(V1_LONG_MINUS_42))).isEqualTo(-42L);
    }

    @Test
    void everyOutcomeHasItsOwnId() {
        assertThat(Arrays.stream(Record.Final.values()).mapToInt(Record.Final::onDiskId).distinct().count())
                .isEqualTo(Record.Final.values().length);
    }

    @Test
    void anOutcomeIdThisBuildDoesNotKnowFailsNamingIt() {
        byte[] unknown = HEX.parseHex("0209" + V1_OUTCOME_TAIL);
        assertThatThrownBy(() -> RecordCodec.decodeOutcome(tx, unknown))
                .isInstanceOf(IOException.class).hasMessage("unknown on-disk id 9 for Final");
    }

    @Test
    void aVersionThisBuildDoesNotKnowFailsNamingIt() {
        byte[] outcome = RecordCodec.outcome(Record.Final.COMMITTED, 1);
        outcome[0] = 7;
        assertThatThrownBy(() -> RecordCodec.decodeOutcome(tx, outcome))
                .isInstanceOf(IOException.class).hasMessage("unknown participant record version 7 (this build reads 1..2)");
        byte[] incarnation = RecordCodec.longValue(3);
        incarnation[0] = 0;
        assertThatThrownBy(() -> RecordCodec.decodeLong(incarnation))
                .isInstanceOf(IOException.class).hasMessageContaining("version 0");
    }

    @Test
    void trailingBytesAreCorruptionNotIgnored() {
        byte[] outcome = HEX.parseHex("0200" + V1_OUTCOME_TAIL + "00");
        assertThatThrownBy(() -> RecordCodec.decodeOutcome(tx, outcome))
                .isInstanceOf(IOException.class).hasMessageContaining("1 trailing bytes");
    }
}
