package dev.pledge.core;

/**
 * Bounds on what a peer's bytes may become inside a record or a log line, each with its name and
 * default here, in one place. A participant that voted NO with a 70 KB reason made the
 * coordinator's record encoding fail, and the coordinator stopped deciding for good: one message
 * from one peer took the whole cluster down. Every edge that takes a peer's input checks it against
 * these before anything is stored or logged, and refuses oversize with a message naming the field
 * and the limit; reasons alone are clipped instead, since a NO vote must still count.
 *
 * <p>Strings reach records through {@code DataOutput.writeUTF}, which holds at most
 * {@link #UTF_BYTES_MAX} bytes; a char takes at most 3 of them, so every string limit here is at
 * most a third of that.
 */
public final class Limits {
    /** Bytes one {@code DataOutput.writeUTF} string may take. */
    public static final int UTF_BYTES_MAX = 65_535;
    /** Bytes of modified UTF-8 one char may take. */
    public static final int UTF_BYTES_PER_CHAR_MAX = 3;

    /** Characters of a peer's reason or error kept in records, answers and log lines. */
    public static final int REASON_CHARS_MAX = 1_000;
    /**
     * Characters of an id a peer names: a participant id, a TxId's coordinator id, a participant
     * asking a peer. An XA branch spells its whole Xid into its coordinator id (up to 271 characters).
     */
    public static final int ID_CHARS_MAX = 512;
    /** Bytes of a data key. */
    public static final int KEY_BYTES_MAX = 4_096;
    /** Bytes of one value written. */
    public static final int VALUE_BYTES_MAX = 1 << 20;
    /** Distinct keys one transaction writes at one participant (one branch's write set). */
    public static final int WRITES_PER_BRANCH_MAX = 65_536;
    /** Participants of one transaction. */
    public static final int PARTICIPANTS_PER_TX_MAX = 128;
    /** Items in one batched call: prepares plus decisions of an exchange, transactions of a commitWrites. */
    public static final int BATCH_ITEMS_MAX = 1_024;
    /** Bytes of a write-only transaction's request key (the client picks 16). */
    public static final int REQUEST_KEY_BYTES_MIN = 8;
    public static final int REQUEST_KEY_BYTES_MAX = 64;

    static {
        for (int chars : new int[] {REASON_CHARS_MAX, ID_CHARS_MAX, 2 * REQUEST_KEY_BYTES_MAX /* hex */}) {
            Check.state(chars * UTF_BYTES_PER_CHAR_MAX <= UTF_BYTES_MAX, "a string limit of %s chars may not fit writeUTF", chars);
        }
    }

    private Limits() {}

    /** {@code id}, if it is a usable id; else IllegalArgumentException naming {@code field} and the limit. */
    public static String checkId(String field, String id) {
        Check.argument(id != null, "%s is required", field);
        Check.argument(!id.isEmpty(), "%s is empty", field);
        checkSize(field, id.length(), "characters", ID_CHARS_MAX, "ID_CHARS_MAX");
        return id;
    }

    /** {@code bytes}, the length of a key; IllegalArgumentException naming {@code field} if empty or over {@link #KEY_BYTES_MAX}. */
    public static long checkKey(String field, int bytes) {
        Check.argument(bytes > 0, "%s is empty", field);
        return checkSize(field, bytes, "bytes", KEY_BYTES_MAX, "KEY_BYTES_MAX");
    }

    /** {@code bytes}, the length of a value; IllegalArgumentException naming {@code field} if over {@link #VALUE_BYTES_MAX}. */
    public static long checkValue(String field, int bytes) {
        return checkSize(field, bytes, "bytes", VALUE_BYTES_MAX, "VALUE_BYTES_MAX");
    }

    /**
     * {@code size}, if at most {@code max}; else IllegalArgumentException: "{field} has {size} {unit},
     * max {max} (Limits.{limitName})".
     */
    public static long checkSize(String field, long size, String unit, int max, String limitName) {
        if (size > max) {
            throw new IllegalArgumentException(field + " has " + size + " " + unit + ", max " + max + " (Limits." + limitName + ")");
        }
        return size;
    }

    /**
     * {@code text} cut to at most {@code maxChars} characters in all, saying how much was cut; null
     * stays null. A clipped text is short enough to be clipped again unchanged.
     */
    public static String clip(String text, int maxChars) {
        Check.argument(maxChars >= 0, "maxChars must be >= 0, was %s", maxChars);
        if (text == null || text.length() <= maxChars) return text;
        int keep = maxChars;
        while (keep > 0 && keep + cutNote(text.length() - keep).length() > maxChars) keep--;
        if (keep > 0) {
            if (Character.isHighSurrogate(text.charAt(keep - 1))) keep--; // never split a character
            return text.substring(0, keep) + cutNote(text.length() - keep);
        }
        int end = maxChars; // no room for the note: the head alone, still whole characters
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) end--;
        return text.substring(0, end);
    }

    private static String cutNote(int cutChars) {
        return "... (" + cutChars + " more characters)";
    }
}
