package dev.pledge.tls;

import dev.pledge.core.Check;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A key store password kept in a file, never on a command line. Surrounding whitespace is not part of it. */
public final class PasswordFile {
    /** Characters a password may have at most; a longer file is a mistake (the wrong file given). */
    public static final int PASSWORD_CHARS_MAX = 1_024;

    private PasswordFile() {}

    /** The password in {@code file}; IllegalArgumentException naming the file if it is missing, unreadable, empty or too long. */
    public static char[] read(Path file) {
        Check.notNull(file, "file");
        String text;
        try {
            Check.argument(Files.size(file) <= 4L * PASSWORD_CHARS_MAX,
                    "password file %s is longer than PASSWORD_CHARS_MAX=%s characters", file, PASSWORD_CHARS_MAX);
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("password file " + file + " cannot be read: " + e, e);
        }
        Check.argument(!text.isEmpty(), "password file %s is empty", file);
        Check.argument(text.length() <= PASSWORD_CHARS_MAX,
                "password file %s is longer than PASSWORD_CHARS_MAX=%s characters", file, PASSWORD_CHARS_MAX);
        Check.argument(text.lines().count() == 1, "password file %s must hold one line", file);
        return text.toCharArray();
    }
}
