package dev.pledge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorTokenTest {
    @TempDir
    Path dir;

    @Test
    void aGeneratedTokenIsReadBackAndOnlyItsOwnerMayReadTheFile() throws Exception {
        Path file = dir.resolve("operator.token");
        OperatorToken.generate(file, new SecureRandom());

        assertThat(OperatorToken.read(file)).hasSize(2 * OperatorToken.GENERATED_BYTES).matches("[0-9a-f]+");
        assertThat(Files.getPosixFilePermissions(file)).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    }

    @Test
    void surroundingWhitespaceIsNotPartOfTheToken() throws Exception {
        Path file = Files.writeString(dir.resolve("t"), "  0123456789abcdef-xyz\n");

        assertThat(OperatorToken.read(file)).isEqualTo("0123456789abcdef-xyz");
    }

    @Test
    void aGuessablyShortTokenIsRefusedNamingTheFileAndTheLimit() throws Exception {
        Path file = Files.writeString(dir.resolve("short"), "secret\n");

        assertThatThrownBy(() -> OperatorToken.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("TOKEN_CHARS_MIN=16");
    }

    @Test
    void aTokenWithSpacesInsideIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("two-words"), "0123456789 abcdefghij");

        assertThatThrownBy(() -> OperatorToken.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one word of printable ASCII");
    }
}
