package dev.pledge.core;

import java.util.Random;

/**
 * Coordinator epochs and participant incarnations that stay unique when a node starts on an empty
 * data directory. A node used to count them on its disk (1, 2, 3 ...), so a node whose disk was
 * replaced counted from 1 again and handed out TxIds, or enlisted branches, that its old self had
 * already used. Now every start takes the larger of "one more than the disk says" and a value made
 * from the wall clock at start, so the disk is trusted only to make the value grow:
 *
 * <pre>  value = max(previous + 1, startMs * SPAN + random below SPAN)</pre>
 *
 * The first thirteen digits read as the start time in milliseconds. The random digits keep two
 * starts within the same millisecond, or after the clock was set back, apart.
 */
public final class Incarnations {
    /** Room for the random part below the start time's milliseconds. */
    public static final long SPAN = 1_000;
    /** Wall clocks beyond this (year 2262) would overflow the product. */
    private static final long WALL_CLOCK_MS_MAX = Long.MAX_VALUE / SPAN - 1;

    private Incarnations() {}

    /**
     * What a start brings that does not come from its disk: the floor of its epoch or incarnation,
     * and an identity for its data directory should the directory turn out to be new.
     */
    public record Start(long floor, long storageId) {
        public Start {
            Check.argument(floor >= 0, "floor must be >= 0, was %s", floor);
            Check.argument(storageId != 0, "storageId 0 means unknown");
        }
    }

    /** Draws a start's values: runtimes pass the wall clock and a secure random, simulators their own. */
    public static Start draw(long wallClockMs, Random random) {
        return new Start(floor(wallClockMs, random), storageId(random));
    }

    /** The lowest value a start at {@code wallClockMs} may use, whatever its disk remembers. */
    public static long floor(long wallClockMs, Random random) {
        Check.argument(wallClockMs >= 0 && wallClockMs <= WALL_CLOCK_MS_MAX, "wall clock out of range: %s", wallClockMs);
        return wallClockMs * SPAN + random.nextInt((int) SPAN);
    }

    /** The value for this start: above what the disk remembers ({@code previous}, 0 if nothing) and at least {@code floor}. */
    public static long next(long previous, long floor) {
        Check.argument(previous >= 0, "previous must be >= 0, was %s", previous);
        return Math.max(previous + 1, Math.max(1, floor));
    }

    /** A random identity for a new data directory: never 0, which means "not known" on the wire. */
    public static long storageId(Random random) {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }

    /** How storage identities are shown in logs and tools. */
    public static String storageName(long storageId) {
        return String.format("%016x", storageId);
    }
}
