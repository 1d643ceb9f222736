package dev.pledge.participant.storage;

import dev.pledge.core.Check;
import dev.pledge.participant.protocol.Record;
import dev.pledge.runtime.KvOp;
import dev.pledge.runtime.KvView;
import dev.pledge.runtime.LogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * One RocksDB per participant, laid out by {@link ParticipantLayout} (families data, prepared,
 * outcomes, meta). Each {@link #write} is one atomic WriteBatch, so a commit's data, the dropped
 * PREPARED and its OUTCOME land together or not at all.
 */
public final class ParticipantStore implements AutoCloseable, LogStore<Record> {
    static {
        RocksDB.loadLibrary();
    }


    private final Path dir;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final Map<String, ColumnFamilyHandle> families = new HashMap<>();
    private final ColumnFamilyHandle data;
    /** Reads and writes hold it shared, close() exclusively: a late reader must never touch a closed (freed) DB. */
    private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();
    private boolean closed;
    private final KvView view = new View();

    private ParticipantStore(Path dir, DBOptions dbOptions, ColumnFamilyOptions cfOptions, RocksDB db,
                             List<ColumnFamilyHandle> handles) {
        this.dir = dir;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.db = db;
        this.handles = handles;
        List<String> names = ParticipantLayout.INSTANCE.families();
        for (int i = 0; i < names.size(); i++) families.put(names.get(i), handles.get(i));
        this.data = families.get(ParticipantLayout.DATA);
    }

    /** Opens (creating if needed) with a fresh file per log; fails with {@link StoreInUseException} if another process holds the dir. */
    public static ParticipantStore open(Path dir) {
        return open(dir, WalRecycling.OFF);
    }

    /**
     * Opens (creating if needed); fails with {@link StoreInUseException} if another process holds
     * the dir. With {@code recycling} on, it pre-writes the logs to recycle before it returns.
     */
    public static ParticipantStore open(Path dir, WalRecycling recycling) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create data dir " + dir + ": " + e.getMessage(), e);
        }
        DBOptions dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        recycling.configure(dbOptions);
        ColumnFamilyOptions cfOptions = new ColumnFamilyOptions();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (String f : ParticipantLayout.INSTANCE.families()) {
            byte[] name = f.equals(ParticipantLayout.DEFAULT) ? RocksDB.DEFAULT_COLUMN_FAMILY : f.getBytes(StandardCharsets.US_ASCII);
            descriptors.add(new ColumnFamilyDescriptor(name, cfOptions));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
            ParticipantStore store = new ParticipantStore(dir, dbOptions, cfOptions, db, handles);
            try {
                recycling.preWriteLogs(db, store.families.get(ParticipantLayout.DEFAULT), handles);
            } catch (RocksDBException | RuntimeException e) {
                store.close();
                throw e;
            }
            return store;
        } catch (RocksDBException e) {
            cfOptions.close();
            dbOptions.close();
            String msg = String.valueOf(e.getMessage()).toLowerCase();
            if (msg.contains("lock")) throw new StoreInUseException(dir, e);
            throw new IllegalStateException("cannot open data dir " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Every durable record, for recovery: the storage identity, the incarnation, then PREPARED branches, then OUTCOMEs. */
    public List<Record> readAll() {
        try {
            return readRecords();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the records in " + dir + ": " + e.getMessage(), e);
        }
    }

    private List<Record> readRecords() throws IOException {
        return ParticipantLayout.INSTANCE.read(view);
    }

    /** The store as its layout reads it: every family, in key order. */
    public KvView view() {
        return view;
    }

    /** Committed value of a key, or null. */
    public byte[] get(byte[] key) {
        open.readLock().lock();
        try {
            Check.state(!closed, "store %s is closed", dir);
            return db.get(data, key);
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read data in " + dir + ": " + e.getMessage(), e);
        } finally {
            open.readLock().unlock();
        }
    }

    /** Writes all records as one atomic batch; {@code sync} makes it durable before returning. */
    @Override
    public void write(List<Record> records, boolean sync) throws RocksDBException {
        writeOps(ParticipantLayout.INSTANCE.ops(records), sync);
    }

    /** Writes key/value changes laid out by {@link ParticipantLayout} as one atomic batch. */
    public void writeOps(List<KvOp> ops, boolean sync) throws RocksDBException {
        open.readLock().lock();
        try (WriteBatch batch = new WriteBatch(); WriteOptions options = new WriteOptions().setSync(sync)) {
            Check.state(!closed, "store %s is closed", dir);
            for (KvOp op : ops) {
                ColumnFamilyHandle family = families.get(op.family());
                if (op.isDelete()) batch.delete(family, op.key());
                else batch.put(family, op.key(), op.value());
            }
            db.write(options, batch);
        } finally {
            open.readLock().unlock();
        }
    }

    /**
     * A consistent copy of the whole store in {@code target} (which must not exist yet), as a RocksDB
     * checkpoint: immutable files are hard-linked, so it is cheap and opens as a store of its own.
     */
    public void checkpoint(Path target) throws RocksDBException {
        open.readLock().lock();
        try (Checkpoint checkpoint = Checkpoint.create(db)) {
            Check.state(!closed, "store %s is closed", dir);
            checkpoint.createCheckpoint(target.toString());
        } finally {
            open.readLock().unlock();
        }
    }

    @Override
    public void close() {
        open.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
        } finally {
            open.writeLock().unlock();
        }
        for (int i = handles.size() - 1; i >= 0; i--) handles.get(i).close();
        db.close();
        cfOptions.close();
        dbOptions.close();
    }

    /** Reads for the layout; like {@link #get}, never on a closed DB. */
    private final class View implements KvView {
        @Override
        public byte[] get(String family, byte[] key) {
            open.readLock().lock();
            try {
                Check.state(!closed, "store %s is closed", dir);
                return db.get(families.get(family), key);
            } catch (RocksDBException e) {
                throw new IllegalStateException("cannot read " + family + " in " + dir + ": " + e.getMessage(), e);
            } finally {
                open.readLock().unlock();
            }
        }

        @Override
        public void forEach(String family, BiConsumer<byte[], byte[]> entry) {
            open.readLock().lock();
            try {
                Check.state(!closed, "store %s is closed", dir);
                try (RocksIterator it = db.newIterator(families.get(family))) {
                    for (it.seekToFirst(); it.isValid(); it.next()) entry.accept(it.key(), it.value());
                }
            } finally {
                open.readLock().unlock();
            }
        }
    }
}
