package dev.pledge.participant.runtime;

import dev.pledge.auth.OperatorToken;
import dev.pledge.wire.OperatorCredential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/** The operator token of a test's node, kept in {@code dir}, and the credential that presents it. */
final class OperatorTokens {
    private static final String FILE = "operator.token";

    private OperatorTokens() {}

    /** The token file in {@code dir}, made on first use. */
    static Path file(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) OperatorToken.generate(file, new SecureRandom());
        return file;
    }

    static OperatorCredential operator(Path dir) throws IOException {
        return new OperatorCredential("test-operator").setToken(OperatorToken.read(file(dir)));
    }
}
