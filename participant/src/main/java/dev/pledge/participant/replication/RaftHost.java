package dev.pledge.participant.replication;

import dev.pledge.core.Check;
import dev.pledge.participant.config.ReplicationSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachine;
import org.apache.ratis.util.ExitUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One machine's Raft server, hosting one replica of several shards as divisions of that one server:
 * one Raft port and one log directory for the machine, a group (and a state machine with its own
 * RocksDB) per shard. Every shard's group has the same members, the machines.
 *
 * <p>On disk, under the machine's directory: {@value #RAFT_DIR} holds every group's log and
 * snapshots (Ratis keeps a directory per group id), and {@code <shard id>/}{@value ShardReplica#STORE_DIR}
 * each shard's store.
 *
 * <p>Use: {@link #replica} once per shard (each shard's node takes its replica and listens to its
 * leadership), then {@link #start}. Ratis reloads the groups it finds on disk while the server is
 * built, with their state machines, so every shard must be known before it starts; a group not on
 * disk is added to the running server, as a member of the group's first configuration on a first
 * start ({@link #start}), or through {@link #rejoinAfterDiskLoss} after the disk was lost.
 */
public final class RaftHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftHost.class);
    static final String RAFT_DIR = "raft";

    /** A shard this machine hosts: its group, its state machine, and whoever listens to its leadership. */
    private record Hosted(ShardGroup group, ShardStateMachine stateMachine, ListenerSlot leadership) {}

    private final String selfId;
    private final Path machineDir;
    private final ReplicationSettings settings;
    private final Map<RaftGroupId, Hosted> shards = new LinkedHashMap<>();
    private final ClientId managing = ClientId.randomId();
    private final AtomicLong managingCalls = new AtomicLong();
    private final RaftServer server;

    /**
     * A host of {@code groups} (every one naming {@code selfId} among its members, at one address)
     * with its data under {@code machineDir}. Builds the server, which reloads the groups on disk;
     * it serves nothing until {@link #start}.
     */
    public RaftHost(String selfId, Path machineDir, ReplicationSettings settings, List<ShardGroup> groups) throws IOException {
        Check.argument(!groups.isEmpty(), "a machine hosts at least one shard");
        this.selfId = Check.notNull(selfId, "selfId");
        this.machineDir = Check.notNull(machineDir, "machineDir");
        this.settings = Check.notNull(settings, "settings");
        InetSocketAddress self = groups.get(0).address(selfId);
        for (ShardGroup g : groups) {
            Check.argument(self.equals(g.address(selfId)), "machine %s serves Raft at one address: %s for shard %s, %s for shard %s",
                    selfId, self, groups.get(0).shardId(), g.address(selfId), g.shardId());
            Check.argument(!shards.containsKey(g.groupId()), "shard %s is hosted twice", g.shardId());
            ListenerSlot slot = new ListenerSlot(g.shardId());
            ShardStateMachine sm = new ShardStateMachine("shard-" + g.shardId() + "/" + selfId,
                    machineDir.resolve(g.shardId()).resolve(ShardReplica.STORE_DIR), slot);
            shards.put(g.groupId(), new Hosted(g, sm, slot));
        }
        // Ratis would end the whole JVM on some failures (a port it cannot bind); the machine decides how to fail.
        ExitUtils.disableSystemExit();
        StateMachine.Registry registry = id -> {
            Hosted h = shards.get(id);
            // A group on disk that this machine no longer hosts: refuse it rather than serve it blind.
            Check.state(h != null, "machine %s found Raft group %s on disk, which is none of its shards %s", selfId, id, shardIds());
            return h.stateMachine();
        };
        this.server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(selfId))
                .setProperties(serverProperties(settings, machineDir.resolve(RAFT_DIR), self))
                .setStateMachineRegistry(registry)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
    }

    /** Ratis's properties of a server at {@code self} keeping its groups under {@code raftDir}. */
    static RaftProperties serverProperties(ReplicationSettings settings, Path raftDir, InetSocketAddress self) {
        RaftProperties properties = RaftSettings.of(settings);
        RaftServerConfigKeys.setStorageDir(properties, List.of(raftDir.toFile()));
        GrpcConfigKeys.Server.setHost(properties, self.getHostString());
        GrpcConfigKeys.Server.setPort(properties, self.getPort());
        return properties;
    }

    /**
     * This machine's replica of {@code group}'s shard, telling {@code leadership} when it leads and
     * when not. Once per shard, before {@link #start}.
     */
    ShardReplica replica(ShardGroup group, ShardLeadership leadership) {
        Hosted h = shards.get(group.groupId());
        Check.argument(h != null, "machine %s does not host shard %s (it hosts %s)", selfId, group.shardId(), shardIds());
        Check.argument(h.group().equals(group), "shard %s: the node names replicas %s, the machine %s",
                group.shardId(), group.replicas(), h.group().replicas());
        h.leadership().attach(leadership);
        return ShardReplica.hosted(group, server, h.stateMachine());
    }

    /**
     * Serves Raft, with every group this machine found on disk; adds each group that is not on
     * disk as a member of its first configuration (a first start). {@code afterDiskLoss}: the
     * machine lost its disk, so the missing groups rejoin through {@link #rejoinAfterDiskLoss}.
     */
    public void start(boolean afterDiskLoss) throws IOException {
        for (Hosted h : shards.values()) {
            Check.state(h.leadership().attached(), "shard %s has no node listening to its leadership", h.group().shardId());
        }
        try {
            server.start();
            Set<RaftGroupId> onDisk = new HashSet<>();
            server.getGroupIds().forEach(onDisk::add);
            for (Hosted h : shards.values()) {
                if (onDisk.contains(h.group().groupId())) continue;
                if (afterDiskLoss) rejoinAfterDiskLoss(h.group());
                else add(h.group());
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * The rule for a replica whose disk was lost: it must not rejoin under its old Raft identity,
     * since it forgot its votes and its log and could help elect a leader that misses committed
     * entries; it must rejoin as a new member through a membership change and catch up.
     *
     * <p>NOT YET THAT RULE: until the membership-change rejoin lands (its own class in this
     * package), this adds the group under the old identity, as a first start does, and says so.
     * Wire the real rejoin in here; it is the one place a machine restarted on an empty disk goes.
     */
    void rejoinAfterDiskLoss(ShardGroup group) throws IOException {
        LOG.warn("{} shard {}: rejoining after disk loss UNDER ITS OLD RAFT IDENTITY (the membership-change rejoin "
                + "is not wired in yet): safe only while the other replicas keep every committed entry", selfId, group.shardId());
        add(group);
    }

    private void add(ShardGroup group) throws IOException {
        RaftClientReply reply = server.groupManagement(GroupManagementRequest.newAdd(managing, server.getId(),
                managingCalls.incrementAndGet(), group.raftGroup()));
        if (!reply.isSuccess()) {
            throw new IOException("machine " + selfId + " cannot add shard " + group.shardId() + "'s group: " + reply.getException());
        }
        LOG.info("{} shard {}: group added (first start)", selfId, group.shardId());
    }

    /** The ids of the shards this machine hosts. */
    public List<String> shardIds() {
        return shards.values().stream().map(h -> h.group().shardId()).toList();
    }

    public Path machineDir() {
        return machineDir;
    }

    public ReplicationSettings settings() {
        return settings;
    }

    /** Stops Raft for every shard of this machine (their state machines close their stores). */
    @Override
    public void close() throws IOException {
        server.close();
    }

    /**
     * A shard's leadership news, for the node that attaches to it before the server starts: Ratis
     * creates the state machine (and may reload it from disk) before that node exists.
     */
    static final class ListenerSlot implements ShardLeadership {
        private final String shardId;
        private volatile ShardLeadership listener;

        ListenerSlot(String shardId) {
            this.shardId = shardId;
        }

        void attach(ShardLeadership l) {
            Check.state(listener == null, "shard %s already has a node listening to its leadership", shardId);
            listener = Check.notNull(l, "leadership");
        }

        boolean attached() {
            return listener != null;
        }

        private ShardLeadership listener() {
            ShardLeadership l = listener;
            Check.state(l != null, "shard %s: leadership news before its node attached", shardId);
            return l;
        }

        @Override
        public void leading(long term) {
            listener().leading(term);
        }

        @Override
        public void notLeading() {
            listener().notLeading();
        }

        @Override
        public void leaderIs(String replicaId) {
            listener().leaderIs(replicaId);
        }
    }
}
