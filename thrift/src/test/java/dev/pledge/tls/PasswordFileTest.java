package dev.pledge.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordFileTest {
    @TempDir Path dir;

    @Test
    void thePasswordIsTheFilesOneLineWithoutSurroundingWhitespace() throws Exception {
        Path file = Files.writeString(dir.resolve("node.pass"), "  s3cret pass \n");
        assertThat(new String(PasswordFile.read(file))).isEqualTo("s3cret pass");
    }

    @Test
    void aMissingEmptyMultiLineOrOversizedFileIsRefusedNamingIt() throws Exception {
        Path missing = dir.resolve("missing.pass");
        assertThatThrownBy(() -> PasswordFile.read(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("cannot be read");
        Path empty = Files.writeString(dir.resolve("empty.pass"), " \n");
        assertThatThrownBy(() -> PasswordFile.read(empty)).hasMessageContaining(empty + " is empty");
        Path twoLines = Files.writeString(dir.resolve("two.pass"), "a\nb\n");
        assertThatThrownBy(() -> PasswordFile.read(twoLines)).hasMessageContaining("one line");
        Path huge = Files.writeString(dir.resolve("huge.pass"), "x".repeat(PasswordFile.PASSWORD_CHARS_MAX + 1));
        assertThatThrownBy(() -> PasswordFile.read(huge)).hasMessageContaining("PASSWORD_CHARS_MAX=");
    }
}
