package dev.pledge.participant.replication;

import dev.pledge.participant.storage.ParticipantStore;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.apache.ratis.util.FileUtils;
import org.rocksdb.RocksDBException;

/**
 * A replica's snapshots: each is a RocksDB checkpoint of its store in a directory
 * {@code snapshot.<term>_<index>} under Ratis's state-machine directory. Ratis sends those files to
 * a replica that is behind its leader's purged log, and replaces that replica's state-machine
 * directory with them before it asks the state machine to {@link #restore} from the newest.
 */
final class CheckpointSnapshots implements StateMachineStorage {
    /** The newest and the one before: a leader may still be sending the older one to a follower. */
    static final int SNAPSHOTS_KEPT = 2;
    private static final Pattern NAME = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
    /** Ratis writes a digest file beside every snapshot file it installs; RocksDB must not see them. */
    private static final String DIGEST_SUFFIX = ".md5";

    private volatile File dir;
    private volatile SnapshotInfo latest;

    @Override
    public void init(RaftStorage raftStorage) throws IOException {
        dir = raftStorage.getStorageDir().getStateMachineDir();
        reload();
    }

    /** Rereads the directory, after this replica took a snapshot or Ratis installed one. */
    void reload() throws IOException {
        latest = newest();
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        return latest;
    }

    @Override
    public File getSnapshotDir() {
        return dir;
    }

    @Override
    public void format() {
        // A new state-machine directory holds no snapshot: nothing to prepare.
    }

    @Override
    public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) {
        // take() keeps SNAPSHOTS_KEPT itself.
    }

    /** Checkpoints {@code store}, which holds the log up to {@code at}, as the newest snapshot. */
    void take(TermIndex at, ParticipantStore store) throws IOException, RocksDBException {
        Path target = dir.toPath().resolve("snapshot." + at.getTerm() + "_" + at.getIndex());
        if (Files.exists(target)) return;
        Path partial = dir.toPath().resolve(target.getFileName() + ".partial");
        FileUtils.deleteFully(partial);
        store.checkpoint(partial);
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        reload();
        List<Path> all = snapshotDirs();
        for (int i = 0; i < all.size() - SNAPSHOTS_KEPT; i++) FileUtils.deleteFully(all.get(i));
    }

    /** Replaces the store directory with a copy of {@code snapshot}; a crash midway leaves the snapshot to copy again. */
    static void restore(SnapshotInfo snapshot, Path storeDir) throws IOException {
        Path copy = storeDir.resolveSibling(storeDir.getFileName() + ".restoring");
        FileUtils.deleteFully(copy);
        Files.createDirectories(copy);
        for (FileInfo f : snapshot.getFiles()) Files.copy(f.getPath(), copy.resolve(f.getPath().getFileName()));
        FileUtils.deleteFully(storeDir);
        Files.move(copy, storeDir, StandardCopyOption.ATOMIC_MOVE);
    }

    private SnapshotInfo newest() throws IOException {
        List<Path> all = snapshotDirs();
        if (all.isEmpty()) return null;
        Path newest = all.get(all.size() - 1);
        List<FileInfo> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(newest)) {
            for (Path f : s.sorted().toList()) {
                if (Files.isRegularFile(f) && !f.getFileName().toString().endsWith(DIGEST_SUFFIX)) files.add(new FileInfo(f, null));
            }
        }
        return new FileListSnapshotInfo(files, termIndex(newest));
    }

    /** Snapshot directories, oldest first. */
    private List<Path> snapshotDirs() throws IOException {
        if (dir == null || !dir.isDirectory()) return List.of();
        try (Stream<Path> s = Files.list(dir.toPath())) {
            return s.filter(p -> Files.isDirectory(p) && NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(p -> termIndex(p).getIndex()))
                    .toList();
        }
    }

    private static TermIndex termIndex(Path snapshotDir) {
        Matcher m = NAME.matcher(snapshotDir.getFileName().toString());
        if (!m.matches()) throw new IllegalStateException("not a snapshot directory: " + snapshotDir);
        return TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }
}
