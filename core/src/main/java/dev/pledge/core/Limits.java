package dev.pledge.core;

/**
 * Bounds on what a peer's bytes may become inside a record or a log line. A participant that
 * voted NO with a 70 KB reason made the coordinator's record encoding fail, and the coordinator
 * stopped deciding for good: one message from one peer took the whole cluster down.
 */
public final class Limits {
    /** Characters of a peer's reason or error kept in records, answers and log lines. */
    public static final int REASON_CHARS_MAX = 1_000;

    private Limits() {}

    /**
     * {@code text} cut to at most {@code maxChars} characters in all, saying how much was cut; null
     * stays null. A clipped text is short enough to be clipped again unchanged.
     */
    public static String clip(String text, int maxChars) {
        Check.argument(maxChars >= 0, "maxChars must be >= 0, was %s", maxChars);
        if (text == null || text.length() <= maxChars) return text;
        int keep = maxChars;
        while (keep > 0 && keep + cutNote(text.length() - keep).length() > maxChars) keep--;
        if (keep > 0 && Character.isHighSurrogate(text.charAt(keep - 1))) keep--; // never split a character
        return keep == 0 ? text.substring(0, maxChars) : text.substring(0, keep) + cutNote(text.length() - keep);
    }

    private static String cutNote(int cutChars) {
        return "... (" + cutChars + " more characters)";
    }
}
