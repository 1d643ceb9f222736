package dev.pledge.participant.storage;

import static dev.pledge.core.codec.RecordIo.readBytes;
import static dev.pledge.core.codec.RecordIo.readCount;
import static dev.pledge.core.codec.RecordIo.readString;
import static dev.pledge.core.codec.RecordIo.writeBytes;
import static dev.pledge.core.codec.RecordIo.writeString;

import dev.pledge.core.TxId;
import dev.pledge.core.codec.RecordIo;
import dev.pledge.participant.protocol.Key;
import dev.pledge.participant.protocol.Record;
import dev.pledge.participant.protocol.Write;
import dev.pledge.runtime.KvOp;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Compact binary forms of what the participant stores, in the convention of
 * {@link dev.pledge.core.codec.RecordIo}: every value starts with a version byte, enums are stored
 * by their explicit id. Keys carry no version: they only order and find values.
 *
 * <p>Version 1 (before the shared convention) wrote PREPARED and OUTCOME exactly as version 2 does
 * (its outcome byte was the enum's ordinal, which the explicit ids keep), and the incarnation and
 * storage identity as a bare 8-byte long; both still decode.
 */
final class RecordCodec {
    static final int VERSION = 2;
    private static final int VERSION_1 = 1;
    /** Bounds on decoded counts and sizes, so a corrupt value fails loudly instead of allocating wildly. */
    static final int MAX_ITEMS = 1_000_000;
    static final int MAX_BYTES = 64 * 1024 * 1024;
    static final byte[] INCARNATION_KEY = "incarnation".getBytes(StandardCharsets.US_ASCII);
    static final byte[] STORAGE_KEY = "storage".getBytes(StandardCharsets.US_ASCII);
    static final byte[] REPLICATED_KEY = "replicated".getBytes(StandardCharsets.US_ASCII);
    private static final int BARE_LONG_BYTES = 8;

    private RecordCodec() {}

    static byte[] txKey(TxId txId) {
        return RecordIo.encode(out -> {
            writeString(out, "coordinator id", txId.coordinatorId());
            out.writeLong(txId.epoch());
            out.writeLong(txId.sequence());
        });
    }

    /** The key of a coordinator's sweep watermark: its id. */
    static byte[] sweptKey(String coordinatorId) {
        return RecordIo.encode(out -> writeString(out, "coordinator id", coordinatorId));
    }

    static TxId decodeTxKey(byte[] bytes) throws IOException {
        return RecordIo.decode(bytes, in -> new TxId(readString(in), in.readLong(), in.readLong()));
    }

    static byte[] prepared(Record.Prepared p) {
        return RecordIo.encode(out -> {
            out.writeByte(VERSION);
            out.writeInt(p.writes().size());
            for (Write w : p.writes()) {
                writeBytes(out, w.key().bytes());
                out.writeBoolean(!w.isDelete());
                if (!w.isDelete()) writeBytes(out, w.value());
            }
            out.writeInt(p.participants().size());
            for (String s : p.participants()) writeString(out, "participant id", s);
            writeString(out, "coordinator id", p.coordinatorId());
            out.writeLong(p.incarnation());
            out.writeLong(p.preparedAtMs());
        });
    }

    static Record.Prepared decodePrepared(TxId txId, byte[] bytes) throws IOException {
        return RecordIo.decode(bytes, in -> {
            readVersion(in);
            int n = readCount(in, MAX_ITEMS);
            List<Write> writes = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Key key = Key.of(readBytes(in, MAX_BYTES));
                writes.add(in.readBoolean() ? Write.put(key, readBytes(in, MAX_BYTES)) : Write.delete(key));
            }
            int m = readCount(in, MAX_ITEMS);
            List<String> participants = new ArrayList<>(m);
            for (int i = 0; i < m; i++) participants.add(readString(in));
            return new Record.Prepared(txId, writes, participants, readString(in), in.readLong(), in.readLong());
        });
    }

    static byte[] outcome(Record.Final state, long atMs) {
        return RecordIo.encode(out -> {
            out.writeByte(VERSION);
            RecordIo.writeId(out, state);
            out.writeLong(atMs);
        });
    }

    static Record.Concluded decodeOutcome(TxId txId, byte[] bytes) throws IOException {
        return RecordIo.decode(bytes, in -> {
            readVersion(in);
            return new Record.Concluded(txId, RecordIo.readId(in, Record.Final.class), in.readLong());
        });
    }

    static byte[] longValue(long v) {
        return RecordIo.encode(out -> {
            out.writeByte(VERSION);
            out.writeLong(v);
        });
    }

    static long decodeLong(byte[] bytes) throws IOException {
        if (bytes.length == BARE_LONG_BYTES) return RecordIo.decode(bytes, DataInputStream::readLong); // version 1
        return RecordIo.decode(bytes, in -> {
            readVersion(in);
            return in.readLong();
        });
    }

    /**
     * A whole write batch as the layout turned it into key/value changes (values in the forms above),
     * so a replica applies exactly what a single node would have written.
     */
    static byte[] batch(List<KvOp> ops) {
        return RecordIo.encode(out -> {
            out.writeByte(VERSION);
            out.writeInt(ops.size());
            for (KvOp op : ops) {
                writeString(out, "family", op.family());
                writeBytes(out, op.key());
                out.writeBoolean(!op.isDelete());
                if (!op.isDelete()) writeBytes(out, op.value());
            }
        });
    }

    static List<KvOp> decodeBatch(byte[] bytes) throws IOException {
        return RecordIo.decode(bytes, in -> {
            readVersion(in);
            int n = readCount(in, MAX_ITEMS);
            List<KvOp> ops = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String family = readString(in);
                byte[] key = readBytes(in, MAX_BYTES);
                ops.add(in.readBoolean() ? KvOp.put(family, key, readBytes(in, MAX_BYTES)) : KvOp.delete(family, key));
            }
            return ops;
        });
    }

    static byte[] position(ReplicatedPosition p) {
        return RecordIo.encode(out -> {
            out.writeByte(VERSION);
            out.writeLong(p.term());
            out.writeLong(p.index());
        });
    }

    static ReplicatedPosition decodePosition(byte[] bytes) throws IOException {
        return RecordIo.decode(bytes, in -> {
            readVersion(in);
            return new ReplicatedPosition(in.readLong(), in.readLong());
        });
    }

    private static void readVersion(DataInputStream in) throws IOException {
        RecordIo.readVersion(in, "participant record", VERSION_1, VERSION);
    }
}
