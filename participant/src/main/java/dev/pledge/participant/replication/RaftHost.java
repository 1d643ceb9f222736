package dev.pledge.participant.replication;

import dev.pledge.core.Check;
import dev.pledge.participant.config.ReplicationSettings;
import dev.pledge.runtime.Threads;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
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
 * <p>Who the machine is in every group comes from one {@link ReplicaIdentity} in its directory
 * (a machine has one Raft server, so one peer id for all its divisions), chosen by the empty-disk
 * rule ({@link ReplicaIdentity#choose}): the bootstrap incarnation (peer id = machine id) only on
 * the first start of a new cluster, once every other machine answered that it holds no log of any
 * shard; on any other empty directory a fresh incarnation, whose divisions start empty and join
 * their groups through {@link ShardJoin#rejoin} (each group's leader replaces the machine's old
 * incarnation, after Ratis caught the new one up).
 *
 * <p>Use: {@link #open} (it may wait for the other machines on a first start), {@link #replica}
 * once per shard (each shard's node takes its replica and listens to its leadership), then
 * {@link #start}. Ratis reloads the groups it finds on disk while the server is built, with their
 * state machines, so every shard must be known before it starts; a group not on disk is added to
 * the running server: with the group's first configuration by the bootstrap incarnation, empty by a
 * fresh one, which then joins.
 */
public final class RaftHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftHost.class);
    static final String RAFT_DIR = "raft";

    /** A shard this machine hosts: its group, its state machine, and whoever listens to its leadership. */
    private record Hosted(ShardGroup group, ShardStateMachine stateMachine, ListenerSlot leadership) {}

    private final String selfId;
    private final ReplicaIdentity identity;
    private final Path machineDir;
    private final ReplicationSettings settings;
    private final Map<RaftGroupId, Hosted> shards = new LinkedHashMap<>();
    private final ClientId managing = ClientId.randomId();
    private final AtomicLong managingCalls = new AtomicLong();
    private final RaftServer server;
    /** Completes with the machine's identity once it is a member of every group and caught up in each. */
    private final CompletableFuture<ReplicaIdentity> joined = new CompletableFuture<>();
    private volatile boolean closed;
    private Thread joining;

    /**
     * The host of {@code groups} (every one naming machine {@code machineId} among its members, at
     * one address) with its data under {@code machineDir}: chooses the machine's identity (see the
     * class comment), then builds the server, which reloads the groups on disk; it serves nothing
     * until {@link #start}.
     *
     * @param bootstrap this may be the first start of a new cluster; it matters only on an empty
     *                  directory, and then waits until every other machine answered (interrupt to give up)
     */
    public static RaftHost open(String machineId, Path machineDir, ReplicationSettings settings, List<ShardGroup> groups,
                                boolean bootstrap) throws IOException {
        Check.argument(!groups.isEmpty(), "a machine hosts at least one shard");
        Optional<ReplicaIdentity> identity = ReplicaIdentity.choose("machine " + machineId, machineId, machineDir, bootstrap,
                () -> firstStart(machineId, machineDir, settings, groups));
        if (identity.isEmpty()) throw new InterruptedIOException("machine " + machineId + " was interrupted waiting for the other machines");
        return new RaftHost(identity.get(), machineDir, settings, groups);
    }

    private RaftHost(ReplicaIdentity identity, Path machineDir, ReplicationSettings settings, List<ShardGroup> groups) throws IOException {
        this.identity = identity;
        this.selfId = identity.replicaId();
        this.machineDir = Check.notNull(machineDir, "machineDir");
        this.settings = Check.notNull(settings, "settings");
        InetSocketAddress self = groups.get(0).address(selfId);
        for (ShardGroup g : groups) {
            Check.argument(self.equals(g.address(selfId)), "machine %s serves Raft at one address: %s for shard %s, %s for shard %s",
                    selfId, self, groups.get(0).shardId(), g.address(selfId), g.shardId());
            Check.argument(!shards.containsKey(g.groupId()), "shard %s is hosted twice", g.shardId());
            ListenerSlot slot = new ListenerSlot(g.shardId());
            ShardStateMachine sm = new ShardStateMachine("shard-" + g.shardId() + "/" + identity.peerId(),
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
                .setServerId(RaftPeerId.valueOf(identity.peerId()))
                .setProperties(serverProperties(settings, machineDir.resolve(RAFT_DIR), self))
                .setParameters(RaftSettings.parameters(settings))
                .setStateMachineRegistry(registry)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
    }

    /**
     * Ratis's properties of a server at {@code self} keeping its groups under {@code raftDir}, which
     * answers only the server calls addressed to its own peer id ({@link AddressedGrpc}).
     */
    static RaftProperties serverProperties(ReplicationSettings settings, Path raftDir, InetSocketAddress self) {
        RaftProperties properties = RaftSettings.of(settings);
        RaftConfigKeys.Rpc.setType(properties, new AddressedGrpc());
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
     * The first-start check of a machine on an empty directory: while a server without groups
     * answers the others at this machine's address, asks every other machine about every shard;
     * BOOTSTRAP only if all of them answered with no log of any shard.
     */
    private static Optional<ShardJoin.FirstStart> firstStart(String machineId, Path machineDir, ReplicationSettings settings,
                                                             List<ShardGroup> groups) {
        try (Listening ignored = new Listening(ShardReplica.listenWithoutGroup(groups.get(0), machineId, machineDir, settings))) {
            for (ShardGroup g : groups) {
                Optional<ShardJoin.FirstStart> decided = ShardJoin.firstStart(
                        new ShardMembership(g, settings, ShardMembership.ASK_TIMEOUT_MS_DEFAULT), machineId, others(g, machineId),
                        ShardJoin.FIRST_START_ROUND_PAUSE_MS_DEFAULT, () -> Thread.currentThread().isInterrupted());
                if (decided.isEmpty() || decided.get() == ShardJoin.FirstStart.JOIN) return decided;
            }
            return Optional.of(ShardJoin.FirstStart.BOOTSTRAP);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server without groups, closed once the first-start check is over. */
    private record Listening(RaftServer server) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private static List<InetSocketAddress> others(ShardGroup g, String machineId) {
        List<InetSocketAddress> others = new ArrayList<>();
        g.replicas().forEach((id, at) -> {
            if (!id.equals(machineId)) others.add(at);
        });
        return others;
    }

    /**
     * Serves Raft, with every group this machine found on disk, and adds each group that is not:
     * the bootstrap incarnation with the group's first configuration, a fresh one empty. A fresh
     * incarnation then joins every group on its own thread ({@link #joined}), one group after the
     * other; with no majority up it waits, logging each round.
     */
    public void start() throws IOException {
        for (Hosted h : shards.values()) {
            Check.state(h.leadership().attached(), "shard %s has no node listening to its leadership", h.group().shardId());
        }
        try {
            server.start();
            Set<RaftGroupId> onDisk = new HashSet<>();
            server.getGroupIds().forEach(onDisk::add);
            for (Hosted h : shards.values()) {
                if (onDisk.contains(h.group().groupId())) continue;
                boolean first = identity.incarnation() == ReplicaIdentity.BOOTSTRAP;
                Check.state(first || !identity.member(), "machine %s is member %s but has no log of shard %s: refusing to serve "
                        + "a group it forgot", selfId, identity.peerId(), h.group().shardId());
                add(h.group(), first ? h.group().raftGroup() : RaftGroup.valueOf(h.group().groupId()));
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        LOG.info("{} serves Raft as {} ({})", selfId, identity.peerId(), identity.member() ? "a member" : "joining");
        if (identity.member()) {
            joined.complete(identity);
        } else {
            joining = Threads.daemon(this::joinEveryGroup, "machine-" + selfId + "-join");
            joining.start();
        }
    }

    /** Makes this fresh incarnation a member of every group in place of the old one, then writes that it is. */
    private void joinEveryGroup() {
        try {
            for (Hosted h : shards.values()) {
                ShardGroup g = h.group();
                ShardReplica division = ShardReplica.hosted(g, server, h.stateMachine());
                if (!ShardJoin.rejoin(new ShardMembership(g, settings, ShardMembership.ASK_TIMEOUT_MS_DEFAULT), selfId, division.peer(),
                        others(g, selfId), ShardJoin.CHANGE_WAIT_MS_DEFAULT, ShardJoin.ROUND_PAUSE_MS_DEFAULT, () -> closed)) {
                    return;
                }
            }
            ReplicaIdentity member = identity.asMember();
            member.write(machineDir);
            LOG.info("{} joined every shard's group as {}", selfId, member.peerId());
            joined.complete(member);
        } catch (IOException | RuntimeException e) {
            LOG.error("{} cannot join its groups as {}: {}", selfId, identity.peerId(), e.toString(), e);
            joined.completeExceptionally(e);
        }
    }

    private void add(ShardGroup shard, RaftGroup group) throws IOException {
        RaftClientReply reply = server.groupManagement(GroupManagementRequest.newAdd(managing, server.getId(),
                managingCalls.incrementAndGet(), group));
        if (!reply.isSuccess()) {
            throw new IOException("machine " + selfId + " cannot add shard " + shard.shardId() + "'s group: " + reply.getException());
        }
        LOG.info("{} shard {}: group added as {} ({})", selfId, shard.shardId(), identity.peerId(),
                group.getPeers().isEmpty() ? "empty, to join" : "first start");
    }

    /** Completes with the machine's identity once it is a member of every group and caught up in each. */
    public CompletableFuture<ReplicaIdentity> joined() {
        return joined;
    }

    /** Who this machine is in its groups now. */
    public ReplicaIdentity identity() {
        return identity;
    }

    /** The ids of the shards this machine hosts. */
    public List<String> shardIds() {
        return shards.values().stream().map(h -> h.group().shardId()).toList();
    }

    /**
     * What one shard's division on this machine says of itself: its Raft role ({@code LEADER},
     * {@code FOLLOWER}, {@code CANDIDATE}, {@code LISTENER}; {@code ABSENT} while the machine is not
     * yet in the group, {@code CLOSED} once it stopped), its term, the leader it knows of ("" if
     * none), the last index it knows committed and the last it applied, and the members of the group.
     */
    public record DivisionStatus(String shardId, String role, long term, String leaderId, long commitIndex,
                                 long appliedIndex, int members) {
        public boolean leading() {
            return "LEADER".equals(role);
        }

        public boolean knowsALeader() {
            return !leaderId.isEmpty();
        }
    }

    /** Each hosted shard's division now, in the order the shards were given; never blocks on the network. */
    public List<DivisionStatus> divisions() {
        List<DivisionStatus> out = new ArrayList<>(shards.size());
        for (Map.Entry<RaftGroupId, Hosted> e : shards.entrySet()) {
            String shardId = e.getValue().group().shardId();
            RaftServer.Division d;
            try {
                d = closed ? null : server.getDivision(e.getKey());
            } catch (IOException notThere) {
                d = null;
            }
            if (d == null) {
                out.add(new DivisionStatus(shardId, closed ? "CLOSED" : "ABSENT", -1, "", -1, -1, 0));
                continue;
            }
            var info = d.getInfo();
            RaftPeerId leader = info.getLeaderId();
            out.add(new DivisionStatus(shardId, info.getCurrentRole().name(), info.getCurrentTerm(),
                    leader == null ? "" : leader.toString(), d.getRaftLog().getLastCommittedIndex(),
                    info.getLastAppliedIndex(), d.getGroup().getPeers().size()));
        }
        return out;
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
        closed = true;
        Thread j = joining;
        if (j != null) {
            // No interrupt: it could land in Ratis's file I/O. Every wait of the join checks closed within a round.
            try {
                j.join(CLOSE_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        joined.completeExceptionally(new IOException("machine " + selfId + " was closed"));
        server.close();
    }

    private static final long CLOSE_WAIT_MS = 10_000;

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
