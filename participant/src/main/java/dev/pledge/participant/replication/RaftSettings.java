package dev.pledge.participant.replication;

import dev.pledge.participant.config.ReplicationSettings;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** A shard's {@link ReplicationSettings} as Ratis's properties. */
final class RaftSettings {
    private RaftSettings() {}

    /** Ratis's properties for a server or client of the group: gRPC, these timeouts, a synced log. */
    static RaftProperties of(ReplicationSettings s) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, ms(s.electionTimeoutMinMs()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, ms(s.electionTimeoutMaxMs()));
        // The durability rule: an entry is acknowledged only once fsynced, so a committed entry is on a majority's disks.
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, false);
        // No commit-index entries: by default Ratis follows every advance of the commit index with a
        // metadata entry of its own, which every replica syncs like any other, so half of a shard's
        // Raft rounds carried no record. It only lets a restarted replica apply up to that index before
        // it hears from a leader; a core starts on a leader only once its term's first entry is
        // committed, and everything before that entry is applied by then.
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(s.logSegmentBytesMax()));
        RaftServerConfigKeys.Log.setPurgeGap(p, s.logPurgeGapEntries());
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.Appender.setWaitTimeMin(p, TimeDuration.valueOf(s.appendGapMinUs(), TimeUnit.MICROSECONDS));
        // One server thread per division, so a follower's log is appended to from one thread at a time.
        // Ratis 3.1.3 chains a follower's appends (RaftServerImpl.appendLog): each runs on the server thread
        // handling its request, or on the thread completing the append before it. With several server
        // threads, one append could start while another thread was still leaving the log's single-threaded
        // section; the log refused it ("Already running a method"), the failure poisoned the chain, and the
        // follower refused every later append. A machine rejoining on an empty disk then never caught up
        // (ReplicatedChaosTest seed 2177763690, issue 17). Ratis 3.2.2 keeps the chain and does not pass
        // our replication tests, so this stays the fix.
        RaftServerConfigKeys.ThreadPool.setServerCached(p, false);
        RaftServerConfigKeys.ThreadPool.setServerSize(p, 1);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, s.snapshotEveryEntries());
        // No snapshot on a clean stop: a crash takes none, and a stop recovers exactly as a crash does.
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, ms(s.writeTimeoutMs()));
        // A leader confirms it still leads before it serves a call: from its lease while a majority
        // acknowledged it recently, else by a round of heartbeats (ReadIndex), so a deposed leader
        // that has not heard of its successor refuses instead of answering from stale state.
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, true);
        return p;
    }

    /** Ratis's parameters for a server or client of the group: its links' TLS ({@link RaftTls}), if the node has any. */
    static Parameters parameters(ReplicationSettings s) {
        return RaftTls.parameters(s.tls());
    }

    static TimeDuration ms(long millis) {
        return TimeDuration.valueOf(millis, TimeUnit.MILLISECONDS);
    }
}
