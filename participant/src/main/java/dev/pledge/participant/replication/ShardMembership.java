package dev.pledge.participant.replication;

import dev.pledge.core.Check;
import dev.pledge.participant.config.ReplicationSettings;
import dev.pledge.runtime.Threads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.api.GroupManagementApi;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.retry.RetryPolicies;

/**
 * What a shard's Raft group says about itself, asked over Raft's own ports, and changes to who is
 * in it. Used by a replica that joins after losing its disk ({@link ShardJoin}) and by the
 * operator's {@code pledge admin shards} and {@code admin replace}.
 */
public final class ShardMembership {
    /** One question to one replica: an operator or a joining replica wants "unreachable" soon. */
    public static final long ASK_TIMEOUT_MS_DEFAULT = 2_000;
    private static final long APPLIED_POLL_MS = 50;

    /** What one Raft address answered about the group. */
    public record Answer(InetSocketAddress address, GroupInfoReply info, String error) {
        public boolean answered() {
            return info != null;
        }

        /** It answered, and holds no part of the group (no division, or one without a single log entry). */
        public boolean hasNoLog() {
            return error == null && (info == null || !info.getLogInfoProto().hasLastEntry());
        }

        public String role() {
            return info == null ? null : info.getRoleInfoProto().getRole().name();
        }

        public boolean leads() {
            return info != null && info.getRoleInfoProto().getRole() == RaftPeerRole.LEADER;
        }

        public String peerId() {
            return info == null ? null : RaftPeerId.valueOf(info.getRoleInfoProto().getSelf().getId()).toString();
        }

        public long appliedIndex() {
            return info == null || !info.getLogInfoProto().hasApplied() ? -1 : info.getLogInfoProto().getApplied().getIndex();
        }

        public long commitIndex() {
            return info == null || !info.getLogInfoProto().hasCommitted() ? -1 : info.getLogInfoProto().getCommitted().getIndex();
        }

        /** The voting members of the group's configuration as this replica knows it (old and new, during a change). */
        public List<RaftPeer> servers() {
            return info == null ? List.of() : List.copyOf(info.getGroup().getPeers());
        }

        /** The commit index the leader knows of each member, by peer id. */
        public Map<String, Long> commitIndexes() {
            Map<String, Long> m = new LinkedHashMap<>();
            if (info == null) return m;
            for (CommitInfoProto c : info.getCommitInfos()) {
                m.put(RaftPeerId.valueOf(c.getServer().getId()).toString(), c.getCommitIndex());
            }
            return m;
        }
    }

    private final ShardGroup group;
    private final ReplicationSettings settings;
    private final long askTimeoutMs;

    public ShardMembership(ShardGroup group, ReplicationSettings settings, long askTimeoutMs) {
        Check.argument(askTimeoutMs > 0, "askTimeoutMs must be > 0, was %s", askTimeoutMs);
        this.group = group;
        this.settings = settings;
        this.askTimeoutMs = askTimeoutMs;
    }

    /** For an operator who knows the shard id and some replicas' Raft addresses, not which replica is where. */
    public static ShardMembership of(String shardId, List<InetSocketAddress> someReplicas, ReplicationSettings settings,
                                     long askTimeoutMs) {
        Map<String, InetSocketAddress> named = new LinkedHashMap<>();
        for (InetSocketAddress a : someReplicas) named.put("given-" + (named.size() + 1), a);
        return new ShardMembership(new ShardGroup(shardId, named), settings, askTimeoutMs);
    }

    public String shardId() {
        return group.shardId();
    }

    /**
     * Asks the replica at {@code address} about the group. Ratis routes a question by group and
     * address and never checks the peer id it is sent to, so any replica answers whatever its
     * incarnation; the answer names its real peer id.
     */
    public Answer ask(InetSocketAddress address) {
        RaftPeer probe = RaftPeer.newBuilder().setId("probe").setAddress(address.getHostString() + ":" + address.getPort()).build();
        RaftProperties p = RaftSettings.of(settings);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, RaftSettings.ms(askTimeoutMs));
        try (RaftClient client = RaftClient.newBuilder().setProperties(p).setParameters(RaftSettings.parameters(settings))
                .setRetryPolicy(RetryPolicies.noRetry())
                .setRaftGroup(RaftGroup.valueOf(group.groupId(), probe)).build()) {
            GroupManagementApi api = client.getGroupManagementApi(probe.getId());
            // Listing first: a missing group comes back over gRPC as an untyped error.
            if (!api.list().getGroupIds().contains(group.groupId())) return new Answer(address, null, null);
            return new Answer(address, api.info(group.groupId()), null);
        } catch (IOException | RuntimeException e) {
            return new Answer(address, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    public List<Answer> askAll(Collection<InetSocketAddress> addresses) {
        List<Answer> answers = new ArrayList<>();
        for (InetSocketAddress a : addresses) answers.add(ask(a));
        return answers;
    }

    /** The leader's answer among those of {@code addresses} and of every member they name, if one leads. */
    public Optional<Answer> leader(Collection<InetSocketAddress> addresses) {
        List<Answer> answers = askAll(addresses);
        Optional<Answer> leader = answers.stream().filter(Answer::leads).findFirst();
        if (leader.isPresent()) return leader;
        List<InetSocketAddress> named = new ArrayList<>();
        for (Answer a : answers) {
            for (RaftPeer peer : a.servers()) {
                InetSocketAddress at = address(peer);
                if (!addresses.contains(at) && !named.contains(at)) named.add(at);
            }
        }
        return askAll(named).stream().filter(Answer::leads).findFirst();
    }

    /**
     * Replaces the servers {@code dead} matches by {@code joining}, through the leader that
     * {@code leader} answered as: Ratis first brings {@code joining} up to date, then commits the
     * joint and the new configuration, each on a majority of the old and of the new members. It
     * refuses (COMPARE_AND_SET) if the configuration changed since the leader answered.
     *
     * @return the reply; not a success if there is no majority, or another change came first
     */
    public RaftClientReply replace(Answer leader, Predicate<RaftPeer> dead, RaftPeer joining, long waitMs) throws IOException {
        List<RaftPeer> current = leader.servers();
        List<RaftPeer> next = new ArrayList<>();
        for (RaftPeer p : current) if (!dead.test(p) && !p.getId().equals(joining.getId())) next.add(p);
        next.add(joining);
        Check.argument(next.size() == current.size(), "shard %s: replacing must keep %s members, would be %s (members %s)",
                group.shardId(), current.size(), next, current);
        try (RaftClient client = client(leader, waitMs)) {
            return client.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                    .setServersInCurrentConf(current)
                    .setServersInNewConf(next)
                    .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                    .build());
        }
    }

    /** Whether the replica at {@code address} applied up to {@code index} within {@code waitMs} (false also once {@code stopped}). */
    public boolean awaitApplied(InetSocketAddress address, long index, long waitMs, BooleanSupplier stopped) {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (!stopped.getAsBoolean() && System.nanoTime() < deadlineNs) {
            if (ask(address).appliedIndex() >= index) return true;
            if (!Threads.pause(APPLIED_POLL_MS)) return false;
        }
        return false;
    }

    /** Asks the leader that {@code leader} answered as to hand its leadership to member {@code peerId}. */
    public RaftClientReply transferLeadership(Answer leader, String peerId, long waitMs) throws IOException {
        try (RaftClient client = client(leader, waitMs)) {
            return client.admin().transferLeadership(RaftPeerId.valueOf(peerId), waitMs);
        }
    }

    private RaftClient client(Answer leader, long waitMs) {
        RaftProperties p = RaftSettings.of(settings);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, RaftSettings.ms(waitMs));
        return RaftClient.newBuilder().setProperties(p).setParameters(RaftSettings.parameters(settings))
                .setRetryPolicy(RetryPolicies.noRetry())
                .setRaftGroup(RaftGroup.valueOf(group.groupId(), leader.servers()))
                .setLeaderId(RaftPeerId.valueOf(leader.peerId())).build();
    }

    public static InetSocketAddress address(RaftPeer peer) {
        String a = peer.getAddress();
        int colon = a.lastIndexOf(':');
        return new InetSocketAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1)));
    }
}
