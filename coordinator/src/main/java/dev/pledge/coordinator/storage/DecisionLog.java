package dev.pledge.coordinator.storage;

import dev.pledge.coordinator.protocol.Record;
import dev.pledge.runtime.KvOp;
import dev.pledge.runtime.KvView;
import dev.pledge.runtime.LogStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The coordinator's decision log in RocksDB. One key per (transaction, record kind), one for the
 * epoch and one for the forgotten-commit watermark. Writes are batches; a synced batch is on disk
 * when {@link #write} returns. Callers serialize writes (the group-commit writer is the only one).
 */
public final class DecisionLog implements AutoCloseable, LogStore<Record> {
    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final Options options;
    private final RocksDB db;
    private final WriteOptions syncedWrite = new WriteOptions().setSync(true);
    private final WriteOptions plainWrite = new WriteOptions().setSync(false);

    private DecisionLog(Path dir, Options options, RocksDB db) {
        this.dir = dir;
        this.options = options;
        this.db = db;
    }

    /** Opens (creating if needed) the log in {@code dir}; fails clearly if another process holds it. */
    public static DecisionLog open(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Files.createDirectories(dir);
        Options options = new Options().setCreateIfMissing(true);
        try {
            return new DecisionLog(dir, options, RocksDB.open(options, dir.toString()));
        } catch (RocksDBException e) {
            options.close();
            String why = String.valueOf(e.getMessage());
            if (why.contains("LOCK") || why.toLowerCase(java.util.Locale.ROOT).contains("lock")) {
                throw new IOException("data dir " + dir + " is in use by another process", e);
            }
            throw new IOException("cannot open decision log in " + dir + ": " + why, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Every record, in replay order (see {@link CoordinatorLayout}). */
    public List<Record> readAll() throws IOException {
        return CoordinatorLayout.INSTANCE.read(new KvView() {
            @Override
            public byte[] get(String family, byte[] key) {
                try {
                    return db.get(key);
                } catch (RocksDBException e) {
                    throw new IllegalStateException("cannot read the decision log in " + dir + ": " + e.getMessage(), e);
                }
            }

            @Override
            public void forEach(String family, BiConsumer<byte[], byte[]> entry) {
                try (RocksIterator it = db.newIterator()) {
                    for (it.seekToFirst(); it.isValid(); it.next()) entry.accept(it.key(), it.value());
                }
            }
        });
    }

    /** Writes {@code records} in one batch, laid out by {@link CoordinatorLayout}; synced to disk before returning if {@code sync}. */
    @Override
    public void write(List<Record> records, boolean sync) throws IOException {
        if (records.isEmpty()) return;
        List<KvOp> ops = new ArrayList<>();
        for (Record r : records) CoordinatorLayout.INSTANCE.ops(r, ops);
        try (WriteBatch batch = new WriteBatch()) {
            for (KvOp op : ops) {
                if (op.isDelete()) batch.delete(op.key());
                else batch.put(op.key(), op.value());
            }
            db.write(sync ? syncedWrite : plainWrite, batch);
        } catch (RocksDBException e) {
            throw new IOException("decision log write failed in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        syncedWrite.close();
        plainWrite.close();
        db.close();
        options.close();
    }
}
