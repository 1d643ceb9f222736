package dev.pledge.core.codec;

import dev.pledge.core.Check;
import dev.pledge.core.OnDiskId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Helpers both record codecs use, so the coordinator's and the participant's logs read alike. */
public final class RecordIo {
    /** UTF-8 bytes of one stored string (ids, keys, reasons): far above any real one, far below a wild allocation. */
    public static final int STRING_BYTES_MAX = 1 << 20;

    private RecordIo() {}

    public interface Encoder {
        void write(DataOutputStream out) throws IOException;
    }

    public interface Decoder<T> {
        T read(DataInputStream in) throws IOException;
    }

    /** The bytes {@code encoder} writes; in memory, so an I/O failure is a bug. */
    public static byte[] encode(Encoder encoder) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            encoder.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** What {@code decoder} reads from {@code bytes}, which it must consume whole. */
    public static <T> T decode(byte[] bytes, Decoder<T> decoder) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        T value = decoder.read(in);
        if (in.available() != 0) throw new IOException("corrupt stored value: " + in.available() + " trailing bytes");
        return value;
    }

    /** Reads the leading version byte; fails naming it unless it lies in {@code [oldest, newest]}. */
    public static int readVersion(DataInputStream in, String what, int oldest, int newest) throws IOException {
        int version = in.readUnsignedByte();
        if (version < oldest || version > newest) {
            throw new IOException("unknown " + what + " version " + version + " (this build reads " + oldest + ".." + newest + ")");
        }
        return version;
    }

    public static void writeId(DataOutputStream out, OnDiskId value) throws IOException {
        int id = value.onDiskId();
        Check.argument(id >= 0 && id <= 255, "on-disk id %s of %s does not fit a byte", id, value);
        out.writeByte(id);
    }

    public static <E extends Enum<E> & OnDiskId> E readId(DataInputStream in, Class<E> type) throws IOException {
        return fromId(type, in.readUnsignedByte());
    }

    /** The value of {@code type} stored as {@code id}; an id this build does not know is an IOException naming it. */
    public static <E extends Enum<E> & OnDiskId> E fromId(Class<E> type, int id) throws IOException {
        for (E value : type.getEnumConstants()) {
            if (value.onDiskId() == id) return value;
        }
        throw new IOException("unknown on-disk id " + id + " for " + type.getSimpleName());
    }

    /** Int length, then UTF-8; a string over {@link #STRING_BYTES_MAX} is refused here, naming {@code field}, never truncated silently. */
    public static void writeString(DataOutputStream out, String field, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        Check.argument(bytes.length <= STRING_BYTES_MAX, "%s of %s bytes exceeds the stored limit of %s",
                field, bytes.length, STRING_BYTES_MAX);
        writeBytes(out, bytes);
    }

    public static String readString(DataInputStream in) throws IOException {
        return new String(readBytes(in, STRING_BYTES_MAX), StandardCharsets.UTF_8);
    }

    public static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    public static byte[] readBytes(DataInputStream in, int maxBytes) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > maxBytes) throw new IOException("corrupt stored length " + n + " (limit " + maxBytes + ")");
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) throw new IOException("corrupt stored value: " + bytes.length + " of " + n + " bytes");
        return bytes;
    }

    /** A list or map size read back; bounded so a corrupt count cannot make us allocate wildly. */
    public static int readCount(DataInputStream in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) throw new IOException("corrupt stored count " + n + " (limit " + max + ")");
        return n;
    }
}
