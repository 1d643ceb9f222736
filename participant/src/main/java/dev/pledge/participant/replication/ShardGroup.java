package dev.pledge.participant.replication;

import dev.pledge.core.Check;
import dev.pledge.participant.config.ParticipantConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * A participant shard's replicas: the shard id and each replica's id and Raft address. The Raft
 * group id is derived from the shard id, so every machine names the same group without agreeing on
 * a random one first.
 */
public record ShardGroup(String shardId, Map<String, InetSocketAddress> replicas) {
    public ShardGroup {
        Check.notNull(shardId, "shardId");
        Check.argument(!shardId.isBlank(), "shardId must not be blank");
        Check.argument(!replicas.isEmpty(), "a shard has at least one replica");
        replicas = Map.copyOf(replicas);
    }

    /** The group a replicated participant's configuration names: its id, and each replica's Raft address. */
    public static ShardGroup of(ParticipantConfig config) {
        ParticipantConfig.Replication replication = Check.notNull(config.replication(), "replication");
        Map<String, InetSocketAddress> raft = new LinkedHashMap<>();
        replication.replicas().forEach((id, r) -> raft.put(id, new InetSocketAddress(r.raft().host(), r.raft().port())));
        return new ShardGroup(config.core().participantId(), raft);
    }

    RaftGroupId groupId() {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("pledge-shard:" + shardId).getBytes(StandardCharsets.UTF_8)));
    }

    RaftGroup raftGroup() {
        List<RaftPeer> peers = new ArrayList<>();
        replicas.forEach((id, address) -> peers.add(RaftPeer.newBuilder()
                .setId(RaftPeerId.valueOf(id))
                .setAddress(address.getHostString() + ":" + address.getPort())
                .build()));
        return RaftGroup.valueOf(groupId(), peers);
    }

    InetSocketAddress address(String replicaId) {
        InetSocketAddress a = replicas.get(replicaId);
        Check.argument(a != null, "shard %s has no replica %s (replicas: %s)", shardId, replicaId, replicas.keySet());
        return a;
    }
}
