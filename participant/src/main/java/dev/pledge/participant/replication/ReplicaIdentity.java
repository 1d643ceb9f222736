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
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaIdentity.class);

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

    /**
     * The empty-disk rule's choice of who {@code dataDir} is, written (synced) before it returns:
     * <ol>
     *   <li>an identity in the directory: that one;</li>
     *   <li>a Raft log ({@code dataDir/raft}) but no identity (written before identities): the
     *   bootstrap incarnation, which the groups know;</li>
     *   <li>an empty directory: a fresh incarnation, unless {@code bootstrap} is set and
     *   {@code firstStart} (which may wait for the peers) finds this is the first start of a new cluster.</li>
     * </ol>
     * Shared by a replica with its own server ({@link ReplicaStartup}) and a machine ({@link RaftHost}).
     *
     * @param who          names the replica or machine in the log, e.g. "shard C replica r1"
     * @param firstStart   asks the peers; empty if stopped while waiting for them
     * @return empty if {@code firstStart} was stopped
     */
    static Optional<ReplicaIdentity> choose(String who, String replicaId, Path dataDir, boolean bootstrap,
                                            Supplier<Optional<ShardJoin.FirstStart>> firstStart) throws IOException {
        Optional<ReplicaIdentity> known = read(dataDir);
        if (known.isPresent()) {
            Check.state(known.get().replicaId().equals(replicaId), "data directory %s belongs to replica %s, not %s",
                    dataDir, known.get().replicaId(), replicaId);
            return known;
        }
        ReplicaIdentity chosen;
        if (holdsRaftLog(dataDir)) {
            chosen = bootstrap(replicaId);
            LOG.info("{}: its directory has a Raft log but no identity (written before identities): it is the bootstrap incarnation", who);
        } else if (bootstrap) {
            Optional<ShardJoin.FirstStart> decided = firstStart.get();
            if (decided.isEmpty()) return Optional.empty();
            chosen = decided.get() == ShardJoin.FirstStart.BOOTSTRAP ? bootstrap(replicaId) : fresh(replicaId);
        } else {
            chosen = fresh(replicaId);
            LOG.warn("{}: empty data directory: it forgot its votes and log, so it joins as new incarnation {}", who, chosen.peerId());
        }
        chosen.write(dataDir);
        return Optional.of(chosen);
    }

    private static boolean holdsRaftLog(Path dataDir) throws IOException {
        Path raft = dataDir.resolve(ShardReplica.RAFT_DIR);
        if (!Files.isDirectory(raft)) return false;
        try (Stream<Path> entries = Files.list(raft)) {
            return entries.findAny().isPresent();
        }
    }
}
