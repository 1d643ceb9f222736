package dev.pledge.coordinator.storage;

import dev.pledge.coordinator.protocol.Record;
import dev.pledge.core.AbortReason;
import dev.pledge.core.TxId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary form of decision-log records: a format version byte, a tag byte, then the fields. Keys
 * put a transaction's records next to each other in replay order (ONE_PHASE, COMMIT, ABORT, END).
 * Version 2 added the voters' storage identities to COMMIT and the damage lines to END, and the
 * STORAGE record; version 1 records still decode (as records without them).
 */
final class RecordCodec {
    static final byte VERSION = 2;
    private static final byte VERSION_1 = 1;
    static final byte TAG_EPOCH = 1;
    static final byte TAG_ONE_PHASE = 2;
    static final byte TAG_COMMIT = 3;
    static final byte TAG_ABORT = 4;
    static final byte TAG_END = 5;
    static final byte TAG_FORGET = 6;
    static final byte TAG_STORAGE = 7;

    static final byte[] EPOCH_KEY = {0x01};
    /** Holds the last FORGET that carried a watermark: replaying it restores the watermark. */
    static final byte[] WATERMARK_KEY = {0x02};
    static final byte[] STORAGE_KEY = {0x03};
    private static final byte TX_KEY_PREFIX = 0x10;
    /** Lists and strings are bounded so a corrupt length cannot make us allocate wildly. */
    private static final int LIST_SIZE_MAX = 100_000;

    private RecordCodec() {}

    static byte[] txKey(TxId id, byte tag) {
        return ByteBuffer.allocate(18).put(TX_KEY_PREFIX).putLong(id.epoch()).putLong(id.sequence()).put(tag).array();
    }

    /** Every key a transaction's records may occupy, for FORGET to delete. */
    static List<byte[]> allTxKeys(TxId id) {
        return List.of(txKey(id, TAG_ONE_PHASE), txKey(id, TAG_COMMIT), txKey(id, TAG_ABORT), txKey(id, TAG_END));
    }

    static byte tagOf(Record r) {
        if (r instanceof Record.Epoch) return TAG_EPOCH;
        if (r instanceof Record.OnePhase) return TAG_ONE_PHASE;
        if (r instanceof Record.Commit) return TAG_COMMIT;
        if (r instanceof Record.Abort) return TAG_ABORT;
        if (r instanceof Record.End) return TAG_END;
        if (r instanceof Record.Forget) return TAG_FORGET;
        if (r instanceof Record.Storage) return TAG_STORAGE;
        throw new IllegalArgumentException("unknown record " + r);
    }

    static byte[] encode(Record r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(tagOf(r));
            if (r instanceof Record.Epoch e) {
                out.writeLong(e.epoch());
            } else if (r instanceof Record.OnePhase o) {
                writeTxId(out, o.txId());
                out.writeUTF(o.participantId());
                writeOptional(out, o.requestKey());
            } else if (r instanceof Record.Storage st) {
                out.writeLong(st.storageId());
                out.writeLong(st.firstEpoch());
            } else if (r instanceof Record.Commit c) {
                writeTxId(out, c.txId());
                writeList(out, c.yesVoters());
                writeList(out, c.participants());
                out.writeBoolean(c.requestKey() != null);
                if (c.requestKey() != null) out.writeUTF(c.requestKey());
                out.writeInt(c.voterStorage().size());
                for (Map.Entry<String, Long> v : c.voterStorage().entrySet()) {
                    out.writeUTF(v.getKey());
                    out.writeLong(v.getValue());
                }
            } else if (r instanceof Record.Abort a) {
                writeTxId(out, a.txId());
                writeList(out, a.participantsToTell());
                out.writeUTF(a.reason().name());
                out.writeUTF(a.message());
                out.writeLong(a.decidedAtMs());
            } else if (r instanceof Record.End e) {
                writeTxId(out, e.txId());
                out.writeLong(e.endTimeMs());
                writeList(out, e.damage());
            } else if (r instanceof Record.Forget f) {
                writeTxId(out, f.txId());
                out.writeBoolean(f.watermark() != null);
                if (f.watermark() != null) writeTxId(out, f.watermark());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory stream: cannot happen
        }
        return bytes.toByteArray();
    }

    static Record decode(byte[] value) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
        byte version = in.readByte();
        if (version != VERSION && version != VERSION_1) {
            throw new IOException("unsupported record format version " + version);
        }
        boolean v1 = version == VERSION_1;
        byte tag = in.readByte();
        return switch (tag) {
            case TAG_EPOCH -> new Record.Epoch(in.readLong());
            case TAG_STORAGE -> new Record.Storage(in.readLong(), in.readLong());
            case TAG_ONE_PHASE -> new Record.OnePhase(readTxId(in), in.readUTF(), readOptional(in));
            case TAG_COMMIT -> v1 ? new Record.Commit(readTxId(in), readList(in), readList(in), readOptional(in))
                    : new Record.Commit(readTxId(in), readList(in), readList(in), in.readBoolean() ? in.readUTF() : null,
                    readStorageMap(in));
            case TAG_ABORT -> new Record.Abort(readTxId(in), readList(in), AbortReason.valueOf(in.readUTF()),
                    in.readUTF(), in.readLong());
            case TAG_END -> v1 ? new Record.End(readTxId(in), in.readLong())
                    : new Record.End(readTxId(in), in.readLong(), readList(in));
            case TAG_FORGET -> new Record.Forget(readTxId(in), in.readBoolean() ? readTxId(in) : null);
            default -> throw new IOException("unknown record tag " + tag);
        };
    }

    /**
     * A trailing optional string (added after 0.1): absent in older records, so decode treats the
     * end of the record as "none". Written only when present, so a record without it keeps its old bytes.
     */
    private static void writeOptional(DataOutputStream out, String value) throws IOException {
        if (value != null) out.writeUTF(value);
    }

    private static String readOptional(DataInputStream in) throws IOException {
        return in.available() > 0 ? in.readUTF() : null;
    }

    private static Map<String, Long> readStorageMap(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > LIST_SIZE_MAX) throw new IOException("bad map size " + n);
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) m.put(in.readUTF(), in.readLong());
        return m;
    }

    private static void writeTxId(DataOutputStream out, TxId id) throws IOException {
        out.writeUTF(id.coordinatorId());
        out.writeLong(id.epoch());
        out.writeLong(id.sequence());
    }

    private static TxId readTxId(DataInputStream in) throws IOException {
        return new TxId(in.readUTF(), in.readLong(), in.readLong());
    }

    private static void writeList(DataOutputStream out, List<String> items) throws IOException {
        out.writeInt(items.size());
        for (String s : items) out.writeUTF(s);
    }

    private static List<String> readList(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > LIST_SIZE_MAX) throw new IOException("bad list length " + n);
        List<String> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) items.add(in.readUTF());
        return items;
    }
}
