package dev.pledge.demo.domain;

import dev.pledge.demo.wire.Course;
import dev.pledge.demo.wire.Student;
import org.apache.thrift.TBase;
import org.apache.thrift.TDeserializer;
import org.apache.thrift.TException;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TCompactProtocol;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * How students and courses are stored in a participant's key-value store: keys {@code s/<id>}
 * and {@code c/<id>}, values the Thrift compact encoding of the record.
 */
public final class Records {
    /** Highest record id. Ids run 0..n-1 and scans walk every id below the count, so ids are bounded. */
    public static final int ID_MAX = 1_000_000;

    private Records() {}

    public static byte[] studentKey(int id) {
        return ("s/" + id).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] courseKey(int id) {
        return ("c/" + id).getBytes(StandardCharsets.UTF_8);
    }

    public static boolean isStudentKey(byte[] key) {
        return key.length > 2 && key[0] == 's' && key[1] == '/';
    }

    public static boolean isCourseKey(byte[] key) {
        return key.length > 2 && key[0] == 'c' && key[1] == '/';
    }

    /** The key holding how many records a node was seeded with (ids run 0..n-1 over all shards). */
    public static byte[] countKey() {
        return "meta/count".getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] encode(TBase<?, ?> record) {
        try {
            return new TSerializer(new TCompactProtocol.Factory()).serialize(record);
        } catch (TException e) {
            throw new IllegalStateException("cannot encode " + record, e);
        }
    }

    public static Student decodeStudent(byte[] bytes) {
        return decode(bytes, Student::new);
    }

    public static Course decodeCourse(byte[] bytes) {
        return decode(bytes, Course::new);
    }

    public static byte[] encodeInt(int n) {
        return Integer.toString(n).getBytes(StandardCharsets.UTF_8);
    }

    public static int decodeInt(byte[] bytes) {
        return bytes == null ? 0 : Integer.parseInt(new String(bytes, StandardCharsets.UTF_8));
    }

    private static <T extends TBase<?, ?>> T decode(byte[] bytes, Supplier<T> empty) {
        T record = empty.get();
        try {
            new TDeserializer(new TCompactProtocol.Factory()).deserialize(record, bytes);
            record.getClass().getMethod("validate").invoke(record);
        } catch (ReflectiveOperationException | TException e) {
            throw new IllegalStateException("corrupt record of " + record.getClass().getSimpleName(), e);
        }
        return record;
    }
}
