package dev.pledge.participant.replication;

import dev.pledge.core.Check;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Who a replica's data directory is in its shard's Raft group: the configured replica id plus an
 * incarnation minted when the directory was first written. Raft's safety rests on a member
 * remembering its votes and acknowledged entries; a replica that lost its disk has forgotten both,
 * so it must never speak under the peer id it had. Incarnation {@value #BOOTSTRAP} is the one a new
 * cluster's group is written with (peer id = replica id); every later one is random
 * ({@code id#hex}) and counts only once the group made it a member ({@link ShardJoin}).
 *
 * @param member whether the group's configuration holds this incarnation: true for the bootstrap
 *               one, and for a later one once its join committed (a non-member never asks to join
 *               twice after it was a member, so an operator's later {@code replace} is not undone)
 */
public record ReplicaIdentity(String replicaId, long incarnation, boolean member) {
    public static final long BOOTSTRAP = 0;
    static final String FILE = "replica-identity";
    static final char SEPARATOR = '#';
    private static final SecureRandom RANDOM = new SecureRandom();

    public ReplicaIdentity {
        Check.notNull(replicaId, "replicaId");
        Check.argument(replicaId.indexOf(SEPARATOR) < 0, "replica id %s must not contain %s", replicaId, SEPARATOR);
        Check.argument(incarnation != BOOTSTRAP || member, "the bootstrap incarnation is a member from the start");
    }

    /** A new incarnation for a replica whose disk is empty, not yet a member. */
    public static ReplicaIdentity fresh(String replicaId) {
        long incarnation;
        do {
            incarnation = RANDOM.nextLong() & Long.MAX_VALUE;
        } while (incarnation == BOOTSTRAP);
        return new ReplicaIdentity(replicaId, incarnation, false);
    }

    public static ReplicaIdentity bootstrap(String replicaId) {
        return new ReplicaIdentity(replicaId, BOOTSTRAP, true);
    }

    /** The Raft peer id of this incarnation. */
    public String peerId() {
        return incarnation == BOOTSTRAP ? replicaId : replicaId + SEPARATOR + Long.toHexString(incarnation);
    }

    /** The configured replica id a Raft peer id belongs to, whatever its incarnation. */
    public static String replicaIdOf(String peerId) {
        int at = peerId.indexOf(SEPARATOR);
        return at < 0 ? peerId : peerId.substring(0, at);
    }

    public ReplicaIdentity asMember() {
        return new ReplicaIdentity(replicaId, incarnation, true);
    }

    /** The identity written in {@code dataDir}, if any. */
    public static Optional<ReplicaIdentity> read(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) return Optional.empty();
        String[] parts = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
        if (parts.length != 3) throw new IOException("unreadable replica identity in " + file + ": " + String.join(" ", parts));
        try {
            return Optional.of(new ReplicaIdentity(parts[0], Long.parseLong(parts[1]), Boolean.parseBoolean(parts[2])));
        } catch (IllegalArgumentException e) {
            throw new IOException("unreadable replica identity in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes this identity into {@code dataDir}, synced (file and directory) before it returns: it is used only once durable. */
    public void write(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path tmp = dataDir.resolve(FILE + ".tmp");
        byte[] text = (replicaId + " " + incarnation + " " + member + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap(text));
            out.force(true);
        }
        Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(dataDir, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
