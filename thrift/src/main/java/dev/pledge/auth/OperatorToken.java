package dev.pledge.auth;

import dev.pledge.core.Check;
import dev.pledge.tls.OwnerOnlyFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The shared secret an operator presents when TLS is off. It lives in a file, never on a command
 * line where {@code ps} would show it; nodes and the admin command read it the same way.
 */
public final class OperatorToken {
    /** Characters a token must have at least: anything shorter is guessable. */
    public static final int TOKEN_CHARS_MIN = 16;
    /** Characters a token may have at most, in a file or a request. */
    public static final int TOKEN_CHARS_MAX = 1_024;
    /** Random bytes of a generated token (hex, so twice as many characters). */
    static final int GENERATED_BYTES = 32;

    private OperatorToken() {}

    /**
     * The token in {@code file}, without surrounding whitespace (so {@code echo secret > file}
     * works); IllegalArgumentException naming the file if it is not one printable-ASCII word of
     * {@value #TOKEN_CHARS_MIN} to {@value #TOKEN_CHARS_MAX} characters.
     */
    public static String read(Path file) throws IOException {
        Check.notNull(file, "file");
        if (Files.size(file) > 4L * TOKEN_CHARS_MAX) throw new IllegalArgumentException(tooLong(file));
        String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
        Check.argument(token.length() >= TOKEN_CHARS_MIN, "operator token file %s holds %s characters; it needs at least "
                + "TOKEN_CHARS_MIN=%s", file, token.length(), TOKEN_CHARS_MIN);
        Check.argument(token.length() <= TOKEN_CHARS_MAX, "%s", tooLong(file));
        Check.argument(token.chars().allMatch(c -> c > ' ' && c < 0x7f),
                "operator token file %s must hold one word of printable ASCII", file);
        return token;
    }

    private static String tooLong(Path file) {
        return "operator token file " + file + " holds more than TOKEN_CHARS_MAX=" + TOKEN_CHARS_MAX + " characters";
    }

    /** Writes a new random token to {@code file}, readable by its owner only where the file system allows. */
    public static void generate(Path file, SecureRandom random) throws IOException {
        OwnerOnlyFile.writeRandomSecret(file, GENERATED_BYTES, random);
    }
}
