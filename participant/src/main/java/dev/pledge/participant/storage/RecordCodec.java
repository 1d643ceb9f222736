package dev.pledge.participant.storage;

import dev.pledge.core.Check;
import dev.pledge.core.TxId;
import dev.pledge.participant.protocol.Key;
import dev.pledge.participant.protocol.Record;
import dev.pledge.participant.protocol.Write;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Compact binary forms of what the participant stores: big-endian, length-prefixed, one leading
 * format byte per value so the format can change without guessing.
 */
final class RecordCodec {
    static final byte FORMAT = 1;
    /** Bounds on decoded counts and sizes, so a corrupt value fails loudly instead of allocating wildly. */
    static final int MAX_ITEMS = 1_000_000;
    static final int MAX_BYTES = 64 * 1024 * 1024;
    static final byte[] INCARNATION_KEY = "incarnation".getBytes(StandardCharsets.US_ASCII);
    static final byte[] STORAGE_KEY = "storage".getBytes(StandardCharsets.US_ASCII);

    private RecordCodec() {}

    static byte[] txKey(TxId txId) {
        return encode(out -> {
            writeString(out, txId.coordinatorId());
            out.writeLong(txId.epoch());
            out.writeLong(txId.sequence());
        });
    }

    static TxId decodeTxKey(byte[] bytes) {
        return decode(bytes, in -> new TxId(readString(in), in.readLong(), in.readLong()));
    }

    static byte[] prepared(Record.Prepared p) {
        return encode(out -> {
            out.writeByte(FORMAT);
            out.writeInt(p.writes().size());
            for (Write w : p.writes()) {
                writeBytes(out, w.key().bytes());
                out.writeBoolean(!w.isDelete());
                if (!w.isDelete()) writeBytes(out, w.value());
            }
            out.writeInt(p.participants().size());
            for (String s : p.participants()) writeString(out, s);
            writeString(out, p.coordinatorId());
            out.writeLong(p.incarnation());
            out.writeLong(p.preparedAtMs());
        });
    }

    static Record.Prepared decodePrepared(TxId txId, byte[] bytes) {
        return decode(bytes, in -> {
            checkFormat(in.readByte());
            int n = count(in.readInt());
            List<Write> writes = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Key key = Key.of(readBytes(in));
                writes.add(in.readBoolean() ? Write.put(key, readBytes(in)) : Write.delete(key));
            }
            int m = count(in.readInt());
            List<String> participants = new ArrayList<>(m);
            for (int i = 0; i < m; i++) participants.add(readString(in));
            return new Record.Prepared(txId, writes, participants, readString(in), in.readLong(), in.readLong());
        });
    }

    static byte[] outcome(Record.Final state, long atMs) {
        return encode(out -> {
            out.writeByte(FORMAT);
            out.writeByte(state.ordinal());
            out.writeLong(atMs);
        });
    }

    static Record.Concluded decodeOutcome(TxId txId, byte[] bytes) {
        return decode(bytes, in -> {
            checkFormat(in.readByte());
            int ordinal = in.readUnsignedByte();
            Check.state(ordinal < Record.Final.values().length, "corrupt OUTCOME state %s for %s", ordinal, txId);
            return new Record.Concluded(txId, Record.Final.values()[ordinal], in.readLong());
        });
    }

    static byte[] longValue(long v) {
        return encode(out -> out.writeLong(v));
    }

    static long decodeLong(byte[] bytes) {
        return decode(bytes, DataInputStream::readLong);
    }

    private interface Encoder {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Decoder<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] encode(Encoder e) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            e.write(out);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    private static <T> T decode(byte[] bytes, Decoder<T> d) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            T value = d.read(in);
            Check.state(in.available() == 0, "corrupt stored value: %s trailing bytes", in.available());
            return value;
        } catch (IOException ex) {
            throw new IllegalStateException("corrupt stored value: " + ex.getMessage(), ex);
        }
    }

    private static void checkFormat(byte format) {
        Check.state(format == FORMAT, "unknown stored format %s (this build reads %s)", format, FORMAT);
    }

    private static int count(int n) {
        Check.state(n >= 0 && n <= MAX_ITEMS, "corrupt stored count %s", n);
        return n;
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        Check.state(n >= 0 && n <= MAX_BYTES, "corrupt stored length %s", n);
        byte[] b = in.readNBytes(n);
        Check.state(b.length == n, "corrupt stored value: %s of %s bytes", b.length, n);
        return b;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static String readString(DataInputStream in) throws IOException {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }
}
