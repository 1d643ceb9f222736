package dev.pledge.core.config;

import dev.pledge.core.Check;

/**
 * One key of a node's configuration: its nested name ({@code core.lock-wait-max-ms}), its default
 * (the one place it is defined), how its text becomes a value, and what it means.
 *
 * @param defaultText the default as text; null with {@code required} false means "absent unless given"
 */
public record Setting<T>(String key, boolean required, String defaultText, Parser<T> parser, String help) {

    /** Text to value; throws IllegalArgumentException saying what is wrong (the loader adds the key). */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String text);
    }

    public Setting {
        Check.argument(key != null && key.matches("(core|rpc|storage|replication)\\.[a-z0-9-]+"),
                "a setting is named section.name (core, rpc, storage or replication), was %s", key);
        Check.argument(!(required && defaultText != null), "required %s cannot have a default", key);
        Check.notNull(parser, "parser");
        Check.notNull(help, "help");
    }

    public static <T> Setting<T> required(String key, Parser<T> parser, String help) {
        return new Setting<>(key, true, null, parser, help);
    }

    public static <T> Setting<T> optional(String key, Parser<T> parser, String help) {
        return new Setting<>(key, false, null, parser, help);
    }

    public static <T> Setting<T> withDefault(String key, String defaultText, Parser<T> parser, String help) {
        return new Setting<>(key, false, Check.notNull(defaultText, "defaultText"), parser, help);
    }

    public static Setting<Long> longAtLeast(String key, long defaultValue, long min, String help) {
        return withDefault(key, Long.toString(defaultValue), text -> atLeast(parseLong(text), min), help);
    }

    public static Setting<Integer> intIn(String key, int defaultValue, int min, int max, String help) {
        return withDefault(key, Integer.toString(defaultValue), text -> {
            long v = parseLong(text);
            Check.argument(v >= min && v <= max, "must be in [%s, %s], was %s", min, max, v);
            return (int) v;
        }, help);
    }

    /** The part after the section, which also serves as the key's short command-line flag. */
    public String name() {
        return key.substring(key.indexOf('.') + 1);
    }

    public static long parseLong(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a whole number, was '" + text + "'", e);
        }
    }

    private static long atLeast(long v, long min) {
        Check.argument(v >= min, "must be >= %s, was %s", min, v);
        return v;
    }
}
