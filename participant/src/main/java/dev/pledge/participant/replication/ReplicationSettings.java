package dev.pledge.participant.replication;

import dev.pledge.core.Check;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * The limits of a replicated shard, for its replicas and its writers alike.
 *
 * @param electionTimeoutMinMs a follower that hears no leader for a random time between min and max stands for election
 * @param electionTimeoutMaxMs see {@code electionTimeoutMinMs}
 * @param writeTimeoutMs a write the group has not committed by then fails with {@link ShardUnavailableException}
 * @param writeRetrySleepMs how long a writer waits before asking again when no leader is ready
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

    /** Ratis's properties for a server or client of the group: gRPC, these timeouts, a synced log. */
    RaftProperties raftProperties() {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, ms(electionTimeoutMinMs));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, ms(electionTimeoutMaxMs));
        // The durability rule: an entry is acknowledged only once fsynced, so a committed entry is on a majority's disks.
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, false);
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(logSegmentBytesMax));
        RaftServerConfigKeys.Log.setPurgeGap(p, logPurgeGapEntries);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, snapshotEveryEntries);
        // No snapshot on a clean stop: a crash takes none, and a stop recovers exactly as a crash does.
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, ms(writeTimeoutMs));
        // A leader confirms it still leads before it serves a call: from its lease while a majority
        // acknowledged it recently, else by a round of heartbeats (ReadIndex), so a deposed leader
        // that has not heard of its successor refuses instead of answering from stale state.
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, true);
        return p;
    }

    static TimeDuration ms(long millis) {
        return TimeDuration.valueOf(millis, TimeUnit.MILLISECONDS);
    }
}
