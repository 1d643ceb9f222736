package dev.pledge.participant.storage;

import java.nio.file.Path;

/** The data directory's RocksDB lock is held: another process (or node in this JVM) uses it. */
public final class StoreInUseException extends RuntimeException {
    public StoreInUseException(Path dir, Throwable cause) {
        super("data dir " + dir + " is in use by another process (its RocksDB LOCK is held); "
                + "stop the other participant or choose another --data-dir", cause);
    }
}
