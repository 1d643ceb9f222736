package dev.pledge.participant.replication;

/**
 * A write the shard's group did not commit in time: no majority of its replicas answered. The batch
 * is in doubt: it may still commit once a majority is back, so the writer must recover from the
 * replicated state, never assume the batch is lost.
 */
public final class ShardUnavailableException extends Exception {
    public ShardUnavailableException(String shardId, long writeTimeoutMs, Throwable cause) {
        super("shard " + shardId + " did not commit a write within writeTimeoutMs=" + writeTimeoutMs
                + " (no majority of its replicas reachable?); the write is in doubt", cause);
    }
}
