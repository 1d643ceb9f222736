package dev.pledge.core.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Loads a node's configuration from a properties file ({@code --config FILE}) and command-line
 * flags ({@code --key=value} or {@code --key value}): flags beat the file, the file beats the
 * defaults. Unknown keys and flags are refused, naming them, so a typo never falls back to a default.
 */
public final class ConfigLoader {
    public static final String CONFIG_FLAG = "config";

    private ConfigLoader() {}

    public static ConfigValues load(ConfigSchema schema, List<String> args) throws IOException {
        Map<String, String> flags = new LinkedHashMap<>();
        Path file = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) throw new IllegalArgumentException("expected --key=value, got '" + arg + "'");
            int eq = arg.indexOf('=');
            String flag = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new IllegalArgumentException("flag --" + flag + " has no value");
            }
            if (flag.equals(CONFIG_FLAG)) {
                file = Path.of(value);
            } else {
                flags.put(keyOfFlag(schema, flag, value), valueOfFlag(schema, flag, value));
            }
        }
        Map<String, String> merged = new LinkedHashMap<>(file == null ? Map.of() : readFile(schema, file));
        merged.putAll(flags);
        return new ConfigValues(schema, merged);
    }

    private static Map<String, String> readFile(ConfigSchema schema, Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            checkKnown(schema, key, file.toString());
            out.put(key, p.getProperty(key));
        }
        return out;
    }

    static void checkKnown(ConfigSchema schema, String key, String where) {
        if (!schema.knows(key)) throw new IllegalArgumentException("unknown configuration key " + key + " (in " + where + ")");
    }

    /** A flag of an entries family ({@code --participant id=host:port}) sets the key of that entry. */
    private static String keyOfFlag(ConfigSchema schema, String flag, String value) {
        String key = schema.keyOfFlag(flag);
        if (key == null) {
            if (schema.knows(flag)) return flag; // a full entry key: --rpc.participant.a=host:port
            throw new IllegalArgumentException("unknown flag --" + flag + " for the " + schema.node());
        }
        if (schema.entries(key) == null) return key;
        int eq = value.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("--" + flag + " wants NAME=VALUE, got '" + value + "'");
        return key + "." + value.substring(0, eq);
    }

    private static String valueOfFlag(ConfigSchema schema, String flag, String value) {
        String key = schema.keyOfFlag(flag);
        return key != null && schema.entries(key) != null ? value.substring(value.indexOf('=') + 1) : value;
    }
}
