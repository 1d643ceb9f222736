package dev.pledge.participant.config;

import dev.pledge.core.Check;

/**
 * The limits of a replicated shard, for its replicas and its writers alike.
 *
 * @param electionTimeoutMinMs a follower that hears no leader for a random time between min and max stands for election
 * @param electionTimeoutMaxMs see {@code electionTimeoutMinMs}
 * @param writeTimeoutMs a write the group has not committed by then fails with {@code ShardUnavailableException}
 * @param writeRetrySleepMs how long a new leader waits before it tries again to start its participant runtime
 *        (whose first write may find no majority yet)
 * @param snapshotEveryEntries a replica takes a snapshot after this many entries since its last one
 * @param logSegmentBytesMax a log segment is closed at this size; only closed segments are purged after a snapshot
 * @param logPurgeGapEntries the log is purged up to a snapshot only once that frees at least this many entries
 */
public record ReplicationSettings(long electionTimeoutMinMs, long electionTimeoutMaxMs, long writeTimeoutMs,
                                  long writeRetrySleepMs, long snapshotEveryEntries, long logSegmentBytesMax,
                                  int logPurgeGapEntries) {
    public static final ReplicationSettings DEFAULTS =
            new ReplicationSettings(500, 1_000, 5_000, 50, 10_000, 8L * 1024 * 1024, 1024);

    public ReplicationSettings {
        Check.argument(electionTimeoutMinMs > 0, "electionTimeoutMinMs must be > 0, was %s", electionTimeoutMinMs);
        Check.argument(electionTimeoutMaxMs > electionTimeoutMinMs,
                "electionTimeoutMaxMs (%s) must be > electionTimeoutMinMs (%s)", electionTimeoutMaxMs, electionTimeoutMinMs);
        Check.argument(writeTimeoutMs > electionTimeoutMaxMs,
                "writeTimeoutMs (%s) must outlast an election (electionTimeoutMaxMs %s)", writeTimeoutMs, electionTimeoutMaxMs);
        Check.argument(writeRetrySleepMs > 0 && writeRetrySleepMs < writeTimeoutMs,
                "writeRetrySleepMs must be in (0, writeTimeoutMs), was %s", writeRetrySleepMs);
        Check.argument(snapshotEveryEntries > 0, "snapshotEveryEntries must be > 0, was %s", snapshotEveryEntries);
        Check.argument(logSegmentBytesMax > 0, "logSegmentBytesMax must be > 0, was %s", logSegmentBytesMax);
        Check.argument(logPurgeGapEntries > 0, "logPurgeGapEntries must be > 0, was %s", logPurgeGapEntries);
    }
}
