package dev.pledge.participant.storage;

import dev.pledge.core.Check;
import dev.pledge.participant.protocol.Record;
import dev.pledge.runtime.LogStore;
import dev.pledge.participant.protocol.Write;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
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
 * One RocksDB per participant with column families {@code data} (committed key/values),
 * {@code prepared} (PREPARED records), {@code outcomes} (OUTCOME records) and {@code meta}
 * (the incarnation). Each {@link #write} is one atomic WriteBatch, so a commit's data, the dropped
 * PREPARED and its OUTCOME land together or not at all.
 */
public final class ParticipantStore implements AutoCloseable, LogStore<Record> {
    static {
        RocksDB.loadLibrary();
    }

    private static final List<String> FAMILIES = List.of("data", "prepared", "outcomes", "meta");

    private final Path dir;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle data;
    private final ColumnFamilyHandle prepared;
    private final ColumnFamilyHandle outcomes;
    private final ColumnFamilyHandle meta;
    /** Reads and writes hold it shared, close() exclusively: a late reader must never touch a closed (freed) DB. */
    private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();
    private boolean closed;

    private ParticipantStore(Path dir, DBOptions dbOptions, ColumnFamilyOptions cfOptions, RocksDB db,
                             List<ColumnFamilyHandle> handles) {
        this.dir = dir;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.db = db;
        this.handles = handles;
        this.data = handles.get(1);
        this.prepared = handles.get(2);
        this.outcomes = handles.get(3);
        this.meta = handles.get(4);
    }

    /** Opens (creating if needed); fails with {@link StoreInUseException} if another process holds the dir. */
    public static ParticipantStore open(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create data dir " + dir + ": " + e.getMessage(), e);
        }
        DBOptions dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        ColumnFamilyOptions cfOptions = new ColumnFamilyOptions();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
        for (String f : FAMILIES) descriptors.add(new ColumnFamilyDescriptor(f.getBytes(StandardCharsets.US_ASCII), cfOptions));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
            return new ParticipantStore(dir, dbOptions, cfOptions, db, handles);
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
        List<Record> out = new ArrayList<>();
        try {
            byte[] storage = db.get(meta, RecordCodec.STORAGE_KEY);
            if (storage != null) out.add(new Record.Storage(RecordCodec.decodeLong(storage)));
            byte[] inc = db.get(meta, RecordCodec.INCARNATION_KEY);
            if (inc != null) out.add(new Record.Incarnation(RecordCodec.decodeLong(inc)));
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read incarnation in " + dir + ": " + e.getMessage(), e);
        }
        try (RocksIterator it = db.newIterator(prepared)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                out.add(RecordCodec.decodePrepared(RecordCodec.decodeTxKey(it.key()), it.value()));
            }
        }
        try (RocksIterator it = db.newIterator(outcomes)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                out.add(RecordCodec.decodeOutcome(RecordCodec.decodeTxKey(it.key()), it.value()));
            }
        }
        return out;
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
        open.readLock().lock();
        try (WriteBatch batch = new WriteBatch(); WriteOptions options = new WriteOptions().setSync(sync)) {
            Check.state(!closed, "store %s is closed", dir);
            for (Record r : records) add(batch, r);
            db.write(options, batch);
        } finally {
            open.readLock().unlock();
        }
    }

    private void add(WriteBatch batch, Record r) throws RocksDBException {
        if (r instanceof Record.Incarnation i) {
            batch.put(meta, RecordCodec.INCARNATION_KEY, RecordCodec.longValue(i.number()));
        } else if (r instanceof Record.Storage st) {
            batch.put(meta, RecordCodec.STORAGE_KEY, RecordCodec.longValue(st.storageId()));
        } else if (r instanceof Record.Prepared p) {
            batch.put(prepared, RecordCodec.txKey(p.txId()), RecordCodec.prepared(p));
        } else if (r instanceof Record.Applied a) {
            for (Write w : a.writes()) {
                if (w.isDelete()) batch.delete(data, w.key().bytes());
                else batch.put(data, w.key().bytes(), w.value());
            }
            byte[] tx = RecordCodec.txKey(a.txId());
            batch.delete(prepared, tx);
            batch.put(outcomes, tx, RecordCodec.outcome(a.outcome(), a.atMs()));
        } else if (r instanceof Record.Concluded c) {
            byte[] tx = RecordCodec.txKey(c.txId());
            batch.delete(prepared, tx);
            batch.put(outcomes, tx, RecordCodec.outcome(c.state(), c.atMs()));
        } else if (r instanceof Record.OutcomeForgotten f) {
            batch.delete(outcomes, RecordCodec.txKey(f.txId()));
        } else {
            Check.state(false, "unhandled record %s", r);
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
}
