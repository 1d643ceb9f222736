package dev.pledge.participant.config;

import dev.pledge.core.Check;
import dev.pledge.tls.TlsFiles;

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
 * @param appendGapMinUs the leader sends a follower its next entries at least this long after its last append to it
 *        (Ratis's {@code raft.server.log.appender.wait-time.min}). The default is Ratis's own 1 ms. It delays
 *        a write that follows within 1 ms the append telling followers of the last commit, which a
 *        one-at-a-time writer always does: 0 sends every entry at once and is faster (bench, three machines
 *        on two cores, K=1 after a 90 s prime: p50 2.69 and 2.79 ms against 3.19 and 3.22 ms), but with 0 a
 *        machine rejoining on an empty disk was seen stuck in catch-up, its leader and it answering each
 *        other's appends with INCONSISTENCY until the join timed out (ReplicatedChaosTest seed 3265684865).
 *        Tried again after {@code AddressedGrpc} stopped an old incarnation's appends reaching a new
 *        one: that seed passed, but seed 3300746669 still left m1 stuck the same way (542 INCONSISTENCY
 *        replies, nextIndex moving a few entries at a time), so the default stays 1 ms. Third try, with
 *        Ratis's separate heartbeat channel off as well (RATIS-2242 describes heartbeats on it drawing
 *        INCONSISTENCY replies that move nextIndex back): seed 3300746669 and six random seeds (13 wipes and
 *        rejoins) passed, but that seed also passed once with the channel on, so the stall does not replay
 *        on demand; and the bench no longer gains from 0 now that three machines saturate two cores (K=1 p50
 *        3.26 against 3.37 and 3.29 ms; K=64 3,587 against 4,123 and 3,970 tx/s), so both stay as Ratis has them.
 * @param commitLingerUs how long a leader's phase-two commit waits for company before the group commits it alone
 *        (the unreplicated {@code NodeRuntime.COMMIT_LINGER_NS} is 2 ms). A commit alone costs a log entry
 *        that every replica syncs, and while it is in flight the one-at-a-time writer holds back the prepares
 *        behind it; 10 ms lets it ride with a later transaction's prepare. Bench, three machines on two cores,
 *        N=2, 60 s prime, a noisy machine, 2 ms against 10 ms: leaders placed by election, K=8 316, 321 and
 *        478 against 689, 640 and 629 tx/s, K=64 942, 1,919 and 3,318 against 3,992, 2,770 and 3,219; K=1
 *        within the noise.
 *        Only the coordinator's acknowledgement waits (it lets the coordinator forget), never a client or a lock.
 * @param tls the node's TLS files, which its Raft links use too (TLS with a certificate at both ends, see
 *        {@code RaftTls}); null for plain gRPC. A shard's replicas and its operators must agree.
 */
public record ReplicationSettings(long electionTimeoutMinMs, long electionTimeoutMaxMs, long writeTimeoutMs,
                                  long writeRetrySleepMs, long snapshotEveryEntries, long logSegmentBytesMax,
                                  int logPurgeGapEntries, long appendGapMinUs, long commitLingerUs, TlsFiles tls) {
    public static final long APPEND_GAP_MIN_US_DEFAULT = 1_000;
    public static final long COMMIT_LINGER_US_DEFAULT = 10_000;
    /** A commit lingers at most this long: its acknowledgement must come well within the coordinator's patience. */
    public static final long COMMIT_LINGER_US_MAX = 1_000_000;
    public static final ReplicationSettings DEFAULTS =
            new ReplicationSettings(500, 1_000, 5_000, 50, 10_000, 8L * 1024 * 1024, 1024, APPEND_GAP_MIN_US_DEFAULT);

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
        Check.argument(appendGapMinUs >= 0, "appendGapMinUs must be >= 0, was %s", appendGapMinUs);
        Check.argument(commitLingerUs >= 0 && commitLingerUs <= COMMIT_LINGER_US_MAX,
                "commitLingerUs must be in [0, %s], was %s", COMMIT_LINGER_US_MAX, commitLingerUs);
    }

    /** These limits with the default {@code commitLingerUs}, over plain gRPC. */
    public ReplicationSettings(long electionTimeoutMinMs, long electionTimeoutMaxMs, long writeTimeoutMs, long writeRetrySleepMs,
                               long snapshotEveryEntries, long logSegmentBytesMax, int logPurgeGapEntries, long appendGapMinUs) {
        this(electionTimeoutMinMs, electionTimeoutMaxMs, writeTimeoutMs, writeRetrySleepMs, snapshotEveryEntries,
                logSegmentBytesMax, logPurgeGapEntries, appendGapMinUs, COMMIT_LINGER_US_DEFAULT, null);
    }

    /** These limits with the default {@code appendGapMinUs}, over plain gRPC. */
    public ReplicationSettings(long electionTimeoutMinMs, long electionTimeoutMaxMs, long writeTimeoutMs, long writeRetrySleepMs,
                               long snapshotEveryEntries, long logSegmentBytesMax, int logPurgeGapEntries) {
        this(electionTimeoutMinMs, electionTimeoutMaxMs, writeTimeoutMs, writeRetrySleepMs, snapshotEveryEntries,
                logSegmentBytesMax, logPurgeGapEntries, APPEND_GAP_MIN_US_DEFAULT);
    }

    /** These limits with Raft links over TLS with {@code files} (null: plain gRPC). */
    public ReplicationSettings withTls(TlsFiles files) {
        return new ReplicationSettings(electionTimeoutMinMs, electionTimeoutMaxMs, writeTimeoutMs, writeRetrySleepMs,
                snapshotEveryEntries, logSegmentBytesMax, logPurgeGapEntries, appendGapMinUs, commitLingerUs, files);
    }
}
