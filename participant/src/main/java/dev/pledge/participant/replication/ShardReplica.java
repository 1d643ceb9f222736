package dev.pledge.participant.replication;

import dev.pledge.participant.config.ReplicationSettings;
import dev.pledge.participant.storage.ParticipantStore;
import dev.pledge.runtime.KvView;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.ExitUtils;

/**
 * One replica of a participant shard, serving Raft over gRPC on its address in the group. Its data
 * directory holds Ratis's log and snapshots ({@value #RAFT_DIR}) beside the replica's RocksDB
 * ({@value #STORE_DIR}). Which peer of the group it is comes from {@link ReplicaIdentity}; on an
 * empty directory {@link ReplicaStartup} decides that first.
 */
public final class ShardReplica implements AutoCloseable {
    static final String RAFT_DIR = "raft";
    static final String STORE_DIR = "store";

    private final ShardGroup group;
    private final RaftServer server;
    private final ShardStateMachine stateMachine;
    /** False for a division of a machine's shared server: the {@link RaftHost} closes that. */
    private final boolean ownsServer;
    /** This replica's own requests to its division (writes of its leader's core, leadership checks): one retry-cache client. */
    private final ClientId self = ClientId.randomId();
    private final AtomicLong calls = new AtomicLong();

    private ShardReplica(ShardGroup group, RaftServer server, ShardStateMachine stateMachine, boolean ownsServer) {
        this.group = group;
        this.server = server;
        this.stateMachine = stateMachine;
        this.ownsServer = ownsServer;
    }

    /** The replica of {@code group} that is a division of a machine's server ({@link RaftHost}). */
    static ShardReplica hosted(ShardGroup group, RaftServer server, ShardStateMachine stateMachine) {
        return new ShardReplica(group, server, stateMachine, false);
    }

    /**
     * Starts this replica as {@code identity}. A member recovers the group from its log (the
     * configured group is only the configuration a bootstrap writes); an incarnation that is not a
     * member yet serves an empty division, which votes for nobody that counts and campaigns never,
     * until {@link ShardJoin#rejoin} makes it one.
     */
    static ShardReplica start(ShardGroup group, ReplicaIdentity identity, Path dataDir, ReplicationSettings settings,
                              ShardLeadership leadership) throws IOException {
        String name = "shard-" + group.shardId() + "/" + identity.peerId();
        ShardStateMachine stateMachine = new ShardStateMachine(name, dataDir.resolve(STORE_DIR), leadership);
        RaftServer server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(identity.peerId()))
                .setGroup(identity.member() ? group.raftGroup() : RaftGroup.valueOf(group.groupId()))
                .setProperties(properties(group.address(identity.replicaId()), dataDir, settings))
                .setParameters(RaftSettings.parameters(settings))
                .setStateMachine(stateMachine)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        start(server);
        return new ShardReplica(group, server, stateMachine, true);
    }

    /**
     * A Raft server at this replica's address holding no group: it answers the other replicas of a
     * first start ({@link ShardJoin#firstStart}) that it has no log, and takes part in nothing.
     */
    static RaftServer listenWithoutGroup(ShardGroup group, String replicaId, Path dataDir, ReplicationSettings settings) throws IOException {
        RaftServer server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(replicaId))
                .setProperties(properties(group.address(replicaId), dataDir, settings))
                .setParameters(RaftSettings.parameters(settings))
                .setStateMachine(new BaseStateMachine())
                .build();
        start(server);
        return server;
    }

    private static RaftProperties properties(InetSocketAddress self, Path dataDir, ReplicationSettings settings) {
        // Ratis would end the whole JVM on some failures (a port it cannot bind); the node decides how to fail.
        ExitUtils.disableSystemExit();
        return RaftHost.serverProperties(settings, dataDir.resolve(RAFT_DIR), self);
    }

    private static void start(RaftServer server) throws IOException {
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    String shardId() {
        return group.shardId();
    }

    /** This replica as a member of its group, for {@link ShardJoin#rejoin}. */
    RaftPeer peer() {
        InetSocketAddress at = group.address(ReplicaIdentity.replicaIdOf(server.getId().toString()));
        return RaftPeer.newBuilder().setId(server.getId()).setAddress(at.getHostString() + ":" + at.getPort()).build();
    }

    public boolean isLeader() throws IOException {
        return server.getDivision(group.groupId()).getInfo().isLeader();
    }

    /** Leads and has applied the first entry of its term, so it takes writes ({@link ShardLeadership#leading} has been told). */
    boolean isLeaderReady() throws IOException {
        return server.getDivision(group.groupId()).getInfo().isLeaderReady();
    }

    /**
     * Whether this replica still leads in {@code term}, confirmed as a linearizable read is: by the
     * leader's lease, or else by a majority answering a heartbeat. A leader cut off from its
     * majority, or one that has not yet heard of its successor, completes false (or exceptionally).
     */
    CompletableFuture<Boolean> confirmLeading(long term) {
        return submit(RaftClientRequest.readRequestType(), Message.EMPTY).thenApply(reply -> reply.isSuccess() && leadsIn(term));
    }

    /**
     * Appends {@code entry} to the group's log through this replica, with no network hop to a
     * client: only a leader's core writes, and it runs beside its leader. Completes once a majority
     * synced the entry and this replica applied it, with the state machine's answer; a replica that
     * does not lead refuses at once (a {@code NotLeaderException} in the reply), and never sends the
     * entry on to another. Entries submitted from one thread are appended in submission order.
     */
    CompletableFuture<RaftClientReply> append(Message entry) {
        return submit(RaftClientRequest.writeRequestType(), entry);
    }

    private CompletableFuture<RaftClientReply> submit(RaftClientRequest.Type type, Message message) {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(self)
                .setServerId(server.getId())
                .setGroupId(group.groupId())
                .setCallId(calls.incrementAndGet())
                .setMessage(message)
                .setType(type)
                .build();
        try {
            // Straight to the division: RaftServer.submitClientRequestAsync hands the request to a
            // thread of Ratis's client pool and blocks until that thread has queued it, two context
            // switches per call for nothing, since this replica is not serving a remote client.
            if (server.getDivision(group.groupId()) instanceof RaftClientAsynchronousProtocol division) {
                return division.submitClientRequestAsync(request);
            }
            return server.submitClientRequestAsync(request);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private boolean leadsIn(long term) {
        try {
            DivisionInfo info = server.getDivision(group.groupId()).getInfo();
            return info.isLeader() && info.getCurrentTerm() == term;
        } catch (IOException e) {
            return false;
        }
    }

    /** The term this replica is in: a leader's writes carry it (see {@link TermBatch}). */
    public long term() throws IOException {
        return server.getDivision(group.groupId()).getInfo().getCurrentTerm();
    }

    /** The store the core of this replica's leadership reads and the state machine applies to. */
    ParticipantStore store() {
        return stateMachine.store();
    }

    /** The first index still in this replica's log: entries before it were purged after a snapshot. */
    public long logStartIndex() throws IOException {
        return server.getDivision(group.groupId()).getRaftLog().getStartIndex();
    }

    /** The index the next entry appended to this replica's log will have: 0 while it holds nothing. */
    long logNextIndex() throws IOException {
        return server.getDivision(group.groupId()).getRaftLog().getNextIndex();
    }

    /** This replica's store as the participant layout reads it (every family, in key order). */
    public KvView storeView() {
        return stateMachine.storeView();
    }

    /** The log index of this replica's newest snapshot, or -1 if it has none. */
    public long latestSnapshotIndex() {
        SnapshotInfo s = stateMachine.getLatestSnapshot();
        return s == null ? -1 : s.getIndex();
    }

    @Override
    public void close() throws IOException {
        if (ownsServer) server.close();
    }
}
