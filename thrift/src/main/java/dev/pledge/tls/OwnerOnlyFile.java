package dev.pledge.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/** Writes secrets (keys, passwords, tokens) to files only their owner may read, from the moment they exist. */
public final class OwnerOnlyFile {
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnlyFile() {}

    /** Replaces {@code file} with {@code content}, created owner-only where the file system has POSIX permissions. */
    public static void write(Path file, byte[] content) throws IOException {
        Files.deleteIfExists(file);
        if (Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix")) {
            FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE);
            Files.createFile(file, ownerOnly);
        } else {
            // Not a POSIX file system: the directory's own permissions are all there is.
            Files.createFile(file);
        }
        Files.write(file, content);
    }

    /** Replaces {@code file} with {@code bytes} random bytes as one line of hex: a new password or token. */
    public static void writeRandomSecret(Path file, int bytes, SecureRandom random) throws IOException {
        byte[] secret = new byte[bytes];
        random.nextBytes(secret);
        write(file, (HexFormat.of().formatHex(secret) + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
