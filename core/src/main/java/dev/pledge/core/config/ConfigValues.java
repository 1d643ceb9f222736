package dev.pledge.core.config;

import java.util.Map;
import java.util.TreeMap;

/** What a node was given, after precedence, read key by key with the schema's defaults and checks. */
public final class ConfigValues {
    private final ConfigSchema schema;
    private final Map<String, String> given;

    ConfigValues(ConfigSchema schema, Map<String, String> given) {
        this.schema = schema;
        this.given = Map.copyOf(given);
    }

    /** {@code given} (full keys) on top of the defaults; an unknown key is refused, naming it. */
    public static ConfigValues of(ConfigSchema schema, Map<String, String> given) {
        given.keySet().forEach(key -> ConfigLoader.checkKnown(schema, key, "given"));
        return new ConfigValues(schema, given);
    }

    /** The value of {@code s}: given, else its default; null only for an optional setting left absent. */
    public <T> T get(Setting<T> s) {
        if (schema.setting(s.key()) != s) throw new IllegalArgumentException(s.key() + " is not a key of the " + schema.node());
        String text = given.containsKey(s.key()) ? given.get(s.key()) : s.defaultText();
        if (text == null) {
            if (s.required()) throw new IllegalArgumentException("missing configuration key " + s.key() + " (flag --" + s.name() + ")");
            return null;
        }
        return parse(s.key(), text.trim(), s.parser());
    }

    /** Every entry of the family {@code e}, by entry name, sorted. */
    public <T> Map<String, T> get(Entries<T> e) {
        Map<String, T> out = new TreeMap<>();
        given.forEach((key, text) -> {
            if (e.owns(key)) out.put(key.substring(e.prefix().length() + 1), parse(key, text.trim(), e.parser()));
        });
        return out;
    }

    private static <T> T parse(String key, String text, Setting.Parser<T> parser) {
        try {
            return parser.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }
}
