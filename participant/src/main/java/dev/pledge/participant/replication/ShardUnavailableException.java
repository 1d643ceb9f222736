package dev.pledge.participant.replication;

/**
 * A write the shard's group did not commit: no majority of its replicas answered in time, or the
 * writer's replica stopped leading. The batch is in doubt: it may still commit once a majority is
 * back, so the writer must recover from the replicated state, never assume the batch is lost. Or a
 * write of a leadership that had ended ({@link #deposed}): not applied, and its core is over.
 */
public final class ShardUnavailableException extends Exception {
    public ShardUnavailableException(String shardId, long writeTimeoutMs, Throwable cause) {
        super("shard " + shardId + " did not commit a write within writeTimeoutMs=" + writeTimeoutMs
                + " (no majority of its replicas reachable?); the write is in doubt", cause);
    }

    private ShardUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The write failed before the timeout (its replica stopped leading, or was closed); it may still commit, as above. */
    static ShardUnavailableException inDoubt(String shardId, Throwable cause) {
        return new ShardUnavailableException("shard " + shardId + " did not commit a write: " + cause + "; the write is in doubt", cause);
    }

    /** The write reached the log after its writer's leadership ended, so no replica applied it. */
    static ShardUnavailableException deposed(String shardId, long writerTerm) {
        return new ShardUnavailableException("shard " + shardId + ": the leadership of term " + writerTerm
                + " ended before its write was committed; no replica applied it", null);
    }
}
