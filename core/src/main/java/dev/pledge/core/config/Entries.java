package dev.pledge.core.config;

import dev.pledge.core.Check;

/**
 * A family of keys sharing a prefix, one per named entry: {@code rpc.participant.course-c=host:port}.
 * As a flag the entry is given as {@code --participant course-c=host:port}, repeatable.
 */
public record Entries<T>(String prefix, Setting.Parser<T> parser, String help) {
    public Entries {
        Check.argument(prefix != null && prefix.matches("(core|rpc|storage)\\.[a-z0-9-]+"),
                "entries are named section.name (core, rpc or storage), was %s", prefix);
        Check.notNull(parser, "parser");
        Check.notNull(help, "help");
    }

    /** The flag form of the family: the part after the section. */
    public String name() {
        return prefix.substring(prefix.indexOf('.') + 1);
    }

    boolean owns(String key) {
        return key.startsWith(prefix + ".") && key.length() > prefix.length() + 1;
    }
}
