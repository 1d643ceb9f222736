package dev.pledge.core;

/**
 * One line a protocol core asks its runtime to log, node id first, with the reason: ROUTINE for
 * the every-transaction path (detail), NOTABLE for what tells a story (aborts, recovery,
 * termination protocols), ALARM for what an operator must act on (logged as an error). Both
 * cores speak it.
 */
public record LogLine(Level level, String text) {
    public enum Level { ROUTINE, NOTABLE, ALARM }

    public LogLine {
        Check.notNull(level, "level");
        Check.notNull(text, "text");
    }

    public static LogLine routine(String text) {
        return new LogLine(Level.ROUTINE, text);
    }

    public static LogLine notable(String text) {
        return new LogLine(Level.NOTABLE, text);
    }

    public static LogLine alarm(String text) {
        return new LogLine(Level.ALARM, text);
    }

    public boolean error() {
        return level == Level.ALARM;
    }

    @Override
    public String toString() {
        return text;
    }
}
