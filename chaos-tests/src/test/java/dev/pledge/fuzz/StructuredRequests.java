package dev.pledge.fuzz;

import dev.pledge.core.Limits;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.thrift.TBase;
import org.apache.thrift.TException;
import org.apache.thrift.TFieldIdEnum;
import org.apache.thrift.TFieldRequirementType;
import org.apache.thrift.meta_data.EnumMetaData;
import org.apache.thrift.meta_data.FieldMetaData;
import org.apache.thrift.meta_data.FieldValueMetaData;
import org.apache.thrift.meta_data.ListMetaData;
import org.apache.thrift.meta_data.MapMetaData;
import org.apache.thrift.meta_data.SetMetaData;
import org.apache.thrift.meta_data.StructMetaData;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TList;
import org.apache.thrift.protocol.TMap;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;

/**
 * Calls of a real method, generated from the IDL's own metadata (the generated classes'
 * {@code metaDataMap}), so that every method of every service is covered and stays covered as the
 * IDL grows. Each field is a boundary or random value of its type, or missing, or of the wrong
 * type; structs get unknown extra fields; strings, byte arrays and lists run up to and past
 * {@link Limits}. Written field by field with a TBinaryProtocol rather than through the generated
 * writers, because those refuse to send a struct without its required fields.
 */
final class StructuredRequests {
    /** Bytes one input may hold beyond its small values; the big choices are skipped once it is spent. */
    private static final long BIG_BYTES_MAX = 2_500_000;
    private static final int DEPTH_MAX = 6;
    private static final int MISSING_PERCENT = 3;
    private static final int WRONG_TYPE_PERCENT = 2;
    private static final int EXTRA_FIELD_PERCENT = 8;
    private static final int LYING_SIZE_PERCENT = 2;
    /** A list this long or longer is described by its first element only. */
    private static final int DESCRIBED_ELEMENTS_MAX = 4;
    /** The deadline most requests carry, so that they get past the deadline check and go deeper. */
    static final long DEADLINE_MS = 3_000;

    private static final long[] I64_BOUNDARIES = {0, 1, -1, 2, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE,
            Integer.MAX_VALUE + 1L, Integer.MIN_VALUE, 1L << 53, Long.MAX_VALUE / 1_000};
    private static final int[] I32_BOUNDARIES = {0, 1, -1, 5, 6, 200, 201, 1_000_000, 1_000_001, Integer.MIN_VALUE,
            Integer.MAX_VALUE};
    private static final int[] STRING_LENGTHS = {0, 1, 200, 201, Limits.ID_CHARS_MAX, Limits.ID_CHARS_MAX + 1,
            Limits.REASON_CHARS_MAX + 1, Limits.UTF_BYTES_MAX / Limits.UTF_BYTES_PER_CHAR_MAX + 1, Limits.UTF_BYTES_MAX + 1};
    private static final int[] BINARY_LENGTHS = {0, 1, 7, 8, 16, 64, 65, Limits.KEY_BYTES_MAX, Limits.KEY_BYTES_MAX + 1,
            Limits.VALUE_BYTES_MAX, Limits.VALUE_BYTES_MAX + 1};
    private static final int[] LIST_SIZES = {0, 1, 2, 3, 5, 6, Limits.PARTICIPANTS_PER_TX_MAX,
            Limits.PARTICIPANTS_PER_TX_MAX + 1, Limits.BATCH_ITEMS_MAX, Limits.BATCH_ITEMS_MAX + 1};
    private static final String[] NODE_IDS = {"coord-1", "A", "B", "coord-2", "xa:1", "C"};
    private static final String[] ODD_STRINGS = {"\u0000", "é", "\uD83D\uDE00", "\uD800", "%s%n", "../../etc", " ", "A\nB"};
    private static final byte[] TYPES = {TType.BOOL, TType.BYTE, TType.DOUBLE, TType.I16, TType.I32, TType.I64,
            TType.STRING, TType.STRUCT, TType.MAP, TType.SET, TType.LIST};

    private final Random random;
    private final TMemoryBuffer buffer;
    private final TProtocol out;
    private final StringBuilder what = new StringBuilder();
    private long bigBytesLeft = BIG_BYTES_MAX;
    private boolean structural;
    /** Above 0 while writing elements of a long list, which are not described one by one. */
    private int silent;

    private StructuredRequests(Random random) throws TException {
        this.random = random;
        this.buffer = new TMemoryBuffer(1_024);
        this.out = new TBinaryProtocol(buffer);
    }

    /** One call of a method of one of {@code targets}, chosen at random. */
    static FuzzInput next(Random random, List<FuzzTarget> targets) {
        FuzzTarget target = targets.get(random.nextInt(targets.size()));
        FuzzTarget.Method method = target.methods().get(random.nextInt(target.methods().size()));
        try {
            return new StructuredRequests(random).call(target, method);
        } catch (TException e) {
            throw new IllegalStateException("cannot write a request to a memory buffer", e);
        }
    }

    private FuzzInput call(FuzzTarget target, FuzzTarget.Method method) throws TException {
        what.append(target.service()).append('.').append(method.name());
        out.writeMessageBegin(new TMessage(target.service() + ":" + method.name(), TMessageType.CALL, random.nextInt()));
        writeStruct(method.args(), 0);
        out.writeMessageEnd();
        return new FuzzInput(target, method, structural, what.toString(), Frames.frame(buffer.getArray(), buffer.length()));
    }

    private void writeStruct(Class<? extends TBase<?, ?>> type, int depth) throws TException {
        Map<? extends TFieldIdEnum, FieldMetaData> fields = FuzzTarget.fieldsOf(type);
        out.writeStructBegin(new TStruct(type.getSimpleName()));
        describe("(");
        for (Map.Entry<? extends TFieldIdEnum, FieldMetaData> e : fields.entrySet()) {
            FieldMetaData field = e.getValue();
            boolean required = field.requirementType == TFieldRequirementType.REQUIRED;
            boolean deep = depth >= DEPTH_MAX;
            int roll = random.nextInt(100);
            describe(field.fieldName + "=");
            if (roll < MISSING_PERCENT || (deep && !required)) {
                structural |= required;
                describe("<missing>, ");
                continue;
            }
            byte type0 = field.valueMetaData.type;
            if (roll < MISSING_PERCENT + WRONG_TYPE_PERCENT || deep) {
                byte wrong = otherType(type0);
                structural |= required;
                out.writeFieldBegin(new TField(field.fieldName, wrong, e.getKey().getThriftFieldId()));
                describe("<wrong type " + wrong + ">");
                writeAnyOf(wrong, depth + 1);
            } else {
                out.writeFieldBegin(new TField(field.fieldName, type0, e.getKey().getThriftFieldId()));
                writeValue(field.fieldName, field.valueMetaData, depth + 1);
            }
            out.writeFieldEnd();
            describe(", ");
        }
        if (random.nextInt(100) < EXTRA_FIELD_PERCENT) {
            short id = (short) (random.nextBoolean() ? 100 + random.nextInt(1_000) : -1 - random.nextInt(100));
            byte type1 = TYPES[random.nextInt(TYPES.length)];
            out.writeFieldBegin(new TField("extra", type1, id));
            describe("<extra " + id + ":" + type1 + ">");
            writeAnyOf(type1, depth + 1);
            out.writeFieldEnd();
        }
        out.writeFieldStop();
        out.writeStructEnd();
        describe(")");
    }

    private void writeValue(String name, FieldValueMetaData meta, int depth) throws TException {
        switch (meta.type) {
            case TType.BOOL -> out.writeBool(described(random.nextBoolean()));
            case TType.BYTE -> out.writeByte(described((byte) random.nextInt()));
            case TType.I16 -> out.writeI16(described((short) random.nextInt()));
            case TType.DOUBLE -> out.writeDouble(described(random.nextBoolean() ? Double.NaN : random.nextGaussian()));
            case TType.I32 -> out.writeI32(described(meta instanceof EnumMetaData e ? enumValue(e) : i32()));
            case TType.I64 -> out.writeI64(described(i64(name)));
            case TType.STRING -> {
                if (meta.isBinary()) writeBinary();
                else writeString(name);
            }
            case TType.STRUCT -> writeStruct(structClass(meta), depth);
            case TType.LIST, TType.SET -> writeList(name, meta instanceof ListMetaData l ? l.elemMetaData
                    : ((SetMetaData) meta).elemMetaData, meta.type, depth);
            case TType.MAP -> writeMap(name, (MapMetaData) meta, depth);
            default -> throw new IllegalStateException("no generator for Thrift type " + meta.type + " of " + name);
        }
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends TBase<?, ?>> structClass(FieldValueMetaData meta) {
        return (Class<? extends TBase<?, ?>>) ((StructMetaData) meta).structClass;
    }

    private void writeList(String name, FieldValueMetaData elem, byte listType, int depth) throws TException {
        int size = listSize();
        int declared = size;
        if (random.nextInt(100) < LYING_SIZE_PERCENT) {
            declared = random.nextBoolean() ? size + 1 + random.nextInt(4) : Integer.MAX_VALUE - random.nextInt(2);
            structural = true;
        }
        if (listType == TType.SET) out.writeSetBegin(new org.apache.thrift.protocol.TSet(elem.type, declared));
        else out.writeListBegin(new TList(elem.type, declared));
        describe("[" + (declared != size ? "declares " + declared + ", has " : "") + size + ": ");
        for (int i = 0; i < size; i++) {
            if (i == DESCRIBED_ELEMENTS_MAX) silent++;
            writeValue(name, elem, depth);
            describe(" ");
        }
        if (size > DESCRIBED_ELEMENTS_MAX) silent--;
        describe("]");
    }

    private void writeMap(String name, MapMetaData meta, int depth) throws TException {
        int size = Math.min(listSize(), 8);
        out.writeMapBegin(new TMap(meta.keyMetaData.type, meta.valueMetaData.type, size));
        describe("{" + size + ": ");
        for (int i = 0; i < size; i++) {
            writeValue(name, meta.keyMetaData, depth);
            describe("->");
            writeValue(name, meta.valueMetaData, depth);
        }
        describe("}");
    }

    /** A value of Thrift type {@code type} with no IDL behind it: for wrong-typed and extra fields. */
    private void writeAnyOf(byte type, int depth) throws TException {
        switch (type) {
            case TType.BOOL -> out.writeBool(random.nextBoolean());
            case TType.BYTE -> out.writeByte((byte) random.nextInt());
            case TType.DOUBLE -> out.writeDouble(random.nextDouble());
            case TType.I16 -> out.writeI16((short) random.nextInt());
            case TType.I32 -> out.writeI32(i32());
            case TType.I64 -> out.writeI64(i64("any"));
            case TType.STRING -> writeString("any");
            case TType.STRUCT -> {
                out.writeStructBegin(new TStruct("any"));
                if (depth < DEPTH_MAX && random.nextBoolean()) {
                    byte inner = TYPES[random.nextInt(TYPES.length)];
                    out.writeFieldBegin(new TField("any", inner, (short) (1 + random.nextInt(5))));
                    writeAnyOf(inner, depth + 1);
                    out.writeFieldEnd();
                }
                out.writeFieldStop();
                out.writeStructEnd();
            }
            case TType.MAP -> {
                out.writeMapBegin(new TMap(TType.STRING, TType.I64, 1));
                writeString("any");
                out.writeI64(i64("any"));
            }
            case TType.SET, TType.LIST -> {
                int n = random.nextInt(4);
                out.writeListBegin(new TList(TType.I32, n));
                for (int i = 0; i < n; i++) out.writeI32(i32());
            }
            default -> throw new IllegalStateException("no generator for Thrift type " + type);
        }
    }

    private long i64(String name) {
        boolean counter = name.equals("epoch") || name.equals("sequence") || name.equals("opSeq")
                || name.equals("incarnation");
        if (name.equals("deadlineMs") && random.nextInt(100) < 75) return DEADLINE_MS;
        if (counter && random.nextInt(100) < 60) return 1 + random.nextInt(4);
        int roll = random.nextInt(10);
        if (roll < 5) return I64_BOUNDARIES[random.nextInt(I64_BOUNDARIES.length)];
        if (roll < 8) return random.nextInt(104) - 3;
        return random.nextLong();
    }

    private int i32() {
        int roll = random.nextInt(10);
        if (roll < 5) return I32_BOUNDARIES[random.nextInt(I32_BOUNDARIES.length)];
        if (roll < 8) return random.nextInt(24) - 3;
        return random.nextInt();
    }

    /** A known value of the enum most of the time, else 0, a negative or a value past the last. */
    private int enumValue(EnumMetaData meta) {
        Object[] known = meta.enumClass.getEnumConstants();
        if (random.nextInt(100) < 60) return ((org.apache.thrift.TEnum) known[random.nextInt(known.length)]).getValue();
        int[] unknown = {0, -1, known.length + 1, 99, Integer.MAX_VALUE, Integer.MIN_VALUE};
        return unknown[random.nextInt(unknown.length)];
    }

    private void writeString(String name) throws TException {
        boolean id = name.endsWith("Id") || name.equals("participants") || name.equals("coordinatorIdPrefix");
        int roll = random.nextInt(100);
        String s;
        if (id && roll < 50) {
            s = NODE_IDS[random.nextInt(NODE_IDS.length)];
        } else if (roll < 60) {
            s = ascii(1 + random.nextInt(12));
        } else if (roll < 70) {
            s = ODD_STRINGS[random.nextInt(ODD_STRINGS.length)];
        } else if (roll < 78) {
            byte[] notUtf8 = new byte[1 + random.nextInt(8)];
            random.nextBytes(notUtf8);
            out.writeBinary(java.nio.ByteBuffer.wrap(notUtf8));
            describe("<" + notUtf8.length + " bytes, not UTF-8>");
            return;
        } else {
            int length = STRING_LENGTHS[random.nextInt(STRING_LENGTHS.length)];
            if (!spend(length)) length = random.nextInt(3);
            s = "é".repeat(length / 2) + "x".repeat(length - length / 2); // two-byte chars: past the UTF byte limits sooner
        }
        out.writeString(s);
        describe(s.length() <= 24 ? '"' + s.replace("\n", "\\n") + '"' : "<string of " + s.length() + " chars>");
    }

    private void writeBinary() throws TException {
        int length = random.nextInt(100) < 70 ? random.nextInt(33) : BINARY_LENGTHS[random.nextInt(BINARY_LENGTHS.length)];
        if (!spend(length)) length = 1 + random.nextInt(8);
        byte[] bytes = new byte[length];
        if (length <= 64) random.nextBytes(bytes);
        else Arrays.fill(bytes, (byte) random.nextInt());
        out.writeBinary(java.nio.ByteBuffer.wrap(bytes));
        describe("<" + length + " bytes>");
    }

    private int listSize() {
        if (random.nextInt(100) < 75) return random.nextInt(4);
        int size = LIST_SIZES[random.nextInt(LIST_SIZES.length)];
        return spend(size * 64L) ? size : random.nextInt(3);
    }

    /** True (and the budget charged) if {@code bytes} more big bytes fit this input. */
    private boolean spend(long bytes) {
        if (bytes < 128) return true;
        if (bytes > bigBytesLeft) return false;
        bigBytesLeft -= bytes;
        return true;
    }

    private byte otherType(byte type) {
        byte other;
        do other = TYPES[random.nextInt(TYPES.length)];
        while (other == type);
        return other;
    }

    private String ascii(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) s.append((char) ('!' + random.nextInt(94)));
        return s.toString();
    }

    private <T> T described(T value) {
        describe(String.valueOf(value));
        return value;
    }

    private void describe(String s) {
        if (silent == 0) what.append(s);
    }
}
