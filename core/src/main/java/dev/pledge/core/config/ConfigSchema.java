package dev.pledge.core.config;

import dev.pledge.core.Check;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every key one node kind accepts. A command-line flag names a key in full ({@code --core.node-id}),
 * by its name within its section ({@code --node-id}), or by an alias kept for an older flag name.
 */
public final class ConfigSchema {
    private final String node;
    private final Map<String, Setting<?>> settings = new LinkedHashMap<>();
    private final Map<String, Entries<?>> entries = new LinkedHashMap<>();
    private final Map<String, String> flags = new LinkedHashMap<>();

    /** @param aliases older flag names (without dashes) to the key they set */
    public ConfigSchema(String node, List<Setting<?>> settings, List<Entries<?>> entries, Map<String, String> aliases) {
        this.node = Check.notNull(node, "node");
        for (Setting<?> s : settings) {
            Check.argument(this.settings.put(s.key(), s) == null, "%s is defined twice", s.key());
            addFlag(s.name(), s.key());
            addFlag(s.key(), s.key());
        }
        for (Entries<?> e : entries) {
            Check.argument(this.entries.put(e.prefix(), e) == null, "%s is defined twice", e.prefix());
            addFlag(e.name(), e.prefix());
            addFlag(e.prefix(), e.prefix());
        }
        aliases.forEach((alias, key) -> {
            Check.argument(this.settings.containsKey(key) || this.entries.containsKey(key), "alias %s names no key %s", alias, key);
            addFlag(alias, key);
        });
    }

    private void addFlag(String flag, String key) {
        String before = flags.putIfAbsent(flag, key);
        Check.argument(before == null || before.equals(key), "flag --%s would set both %s and %s", flag, before, key);
    }

    public String node() {
        return node;
    }

    /** The key a flag sets (for an entries family, its prefix), or null for an unknown flag. */
    String keyOfFlag(String flag) {
        return flags.get(flag);
    }

    Setting<?> setting(String key) {
        return settings.get(key);
    }

    Entries<?> entries(String key) {
        return entries.get(key);
    }

    /** Whether {@code key} is a known setting or an entry of a known family. */
    boolean knows(String key) {
        return settings.containsKey(key) || entries.values().stream().anyMatch(e -> e.owns(key));
    }

    /** One line per key: name, default, meaning; for {@code --help}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        settings.values().forEach(s -> sb.append(String.format("  --%-34s %s%s%n", s.key(), s.help(),
                s.required() ? " (required)" : s.defaultText() == null ? "" : " (default " + s.defaultText() + ")")));
        entries.values().forEach(e -> sb.append(String.format("  --%-34s %s (repeatable)%n", e.prefix() + ".ID", e.help())));
        return sb.toString();
    }
}
