package dev.pledge.coordinator.storage;

import static dev.pledge.core.codec.RecordIo.writeString;

import dev.pledge.coordinator.protocol.Record;
import dev.pledge.core.AbortReason;
import dev.pledge.core.TxId;
import dev.pledge.core.codec.RecordIo;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary form of decision-log records, in the convention of {@link dev.pledge.core.codec.RecordIo}:
 * a version byte, a tag byte, then the fields. Keys put a transaction's records next to each other
 * in replay order (ONE_PHASE, COMMIT, ABORT, END).
 *
 * <p>Version 3 stores strings as int-length UTF-8 (a peer's long id can no longer overflow the
 * 64 KB of {@code writeUTF}) and the abort reason by its explicit id. Version 2 added the voters'
 * storage identities to COMMIT, the damage lines to END, and the STORAGE record. Versions 1 and 2
 * still decode: strings by {@code readUTF}, the reason by its name.
 */
final class RecordCodec {
    static final int VERSION = 3;
    private static final int VERSION_2 = 2;
    private static final int VERSION_1 = 1;
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
    /** Lists are bounded so a corrupt length cannot make us allocate wildly. */
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
        return RecordIo.encode(out -> {
            out.writeByte(VERSION);
            out.writeByte(tagOf(r));
            if (r instanceof Record.Epoch e) {
                out.writeLong(e.epoch());
            } else if (r instanceof Record.OnePhase o) {
                writeTxId(out, o.txId());
                writeString(out, "participant id", o.participantId());
                if (o.requestKey() != null) writeString(out, "request key", o.requestKey()); // trailing: absent means none
            } else if (r instanceof Record.Storage st) {
                out.writeLong(st.storageId());
                out.writeLong(st.firstEpoch());
            } else if (r instanceof Record.Commit c) {
                writeTxId(out, c.txId());
                writeList(out, "yes voter", c.yesVoters());
                writeList(out, "participant id", c.participants());
                out.writeBoolean(c.requestKey() != null);
                if (c.requestKey() != null) writeString(out, "request key", c.requestKey());
                out.writeInt(c.voterStorage().size());
                for (Map.Entry<String, Long> v : c.voterStorage().entrySet()) {
                    writeString(out, "voter id", v.getKey());
                    out.writeLong(v.getValue());
                }
            } else if (r instanceof Record.Abort a) {
                writeTxId(out, a.txId());
                writeList(out, "participant id", a.participantsToTell());
                RecordIo.writeId(out, a.reason());
                writeString(out, "abort message", a.message());
                out.writeLong(a.decidedAtMs());
            } else if (r instanceof Record.End e) {
                writeTxId(out, e.txId());
                out.writeLong(e.endTimeMs());
                writeList(out, "damage line", e.damage());
            } else if (r instanceof Record.Forget f) {
                writeTxId(out, f.txId());
                out.writeBoolean(f.watermark() != null);
                if (f.watermark() != null) writeTxId(out, f.watermark());
            }
        });
    }

    static Record decode(byte[] value) throws IOException {
        return RecordIo.decode(value, in -> new Fields(in, RecordIo.readVersion(in, "decision-log record", VERSION_1, VERSION)).record());
    }

    /** Reads one record's fields the way its version wrote them. */
    private record Fields(DataInputStream in, int version) {
        Record record() throws IOException {
            byte tag = in.readByte();
            return switch (tag) {
                case TAG_EPOCH -> new Record.Epoch(in.readLong());
                case TAG_STORAGE -> new Record.Storage(in.readLong(), in.readLong());
                case TAG_ONE_PHASE -> new Record.OnePhase(txId(), string(), in.available() > 0 ? string() : null);
                case TAG_COMMIT -> version == VERSION_1 ? new Record.Commit(txId(), list(), list(), in.available() > 0 ? string() : null)
                        : new Record.Commit(txId(), list(), list(), in.readBoolean() ? string() : null, storageMap());
                case TAG_ABORT -> new Record.Abort(txId(), list(), reason(), string(), in.readLong());
                case TAG_END -> version == VERSION_1 ? new Record.End(txId(), in.readLong())
                        : new Record.End(txId(), in.readLong(), list());
                case TAG_FORGET -> new Record.Forget(txId(), in.readBoolean() ? txId() : null);
                default -> throw new IOException("unknown decision-log record tag " + tag);
            };
        }

        private String string() throws IOException {
            return version <= VERSION_2 ? in.readUTF() : RecordIo.readString(in);
        }

        private AbortReason reason() throws IOException {
            if (version >= VERSION) return RecordIo.readId(in, AbortReason.class);
            String name = in.readUTF();
            try {
                return AbortReason.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new IOException("unknown abort reason " + name, e);
            }
        }

        private TxId txId() throws IOException {
            return new TxId(string(), in.readLong(), in.readLong());
        }

        private List<String> list() throws IOException {
            int n = RecordIo.readCount(in, LIST_SIZE_MAX);
            List<String> items = new ArrayList<>(n);
            for (int i = 0; i < n; i++) items.add(string());
            return items;
        }

        private Map<String, Long> storageMap() throws IOException {
            int n = RecordIo.readCount(in, LIST_SIZE_MAX);
            Map<String, Long> m = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) m.put(string(), in.readLong());
            return m;
        }
    }

    private static void writeTxId(DataOutputStream out, TxId id) throws IOException {
        writeString(out, "coordinator id", id.coordinatorId());
        out.writeLong(id.epoch());
        out.writeLong(id.sequence());
    }

    private static void writeList(DataOutputStream out, String field, List<String> items) throws IOException {
        out.writeInt(items.size());
        for (String s : items) writeString(out, field, s);
    }
}
