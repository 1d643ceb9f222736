package dev.pledge.participant;

import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.participant.config.ReplicationSettings;
import dev.pledge.participant.replication.RaftHost;
import dev.pledge.participant.replication.ShardGroup;
import dev.pledge.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The participant half of one machine: a replica of several shards, each a division of the
 * machine's one Raft server ({@link RaftHost}) and each serving its participant node on its own
 * Thrift port. Every shard's group is the same machines. Stopped in the reverse order of its start.
 */
public final class ParticipantMachine implements AutoCloseable {
    private final List<ParticipantConfig> shards;
    private final List<ParticipantNode> nodes = new ArrayList<>();
    private final RaftHost host;

    private ParticipantMachine(List<ParticipantConfig> shards, RaftHost host) {
        this.shards = List.copyOf(shards);
        this.host = host;
    }

    /** As the other open, with the machines speaking plain gRPC between them. */
    public static ParticipantMachine open(String machineId, Path machineDir, List<ParticipantConfig> shards, boolean bootstrap)
            throws IOException {
        return open(machineId, machineDir, shards, bootstrap, null);
    }

    /**
     * Opens the machine's Raft server over {@code machineDir} for every shard of {@code shards}; on
     * a first start of a new cluster ({@code bootstrap}) this waits until every other machine
     * answered. Nothing serves until {@link #start}.
     *
     * @param raftTls the machine's own TLS files (a participant's certificate, e.g. made by
     *                {@code pledge certs --participants m1}), which its Raft server serves and dials
     *                with; null for plain gRPC. Each shard's Thrift server keeps the shard's own.
     */
    public static ParticipantMachine open(String machineId, Path machineDir, List<ParticipantConfig> shards, boolean bootstrap,
                                          TlsFiles raftTls) throws IOException {
        if (shards.isEmpty()) throw new IllegalArgumentException("machine " + machineId + " hosts no shard");
        ReplicationSettings settings = sharedSettings(machineId, shards).withTls(raftTls);
        RaftHost host = RaftHost.open(machineId, machineDir, settings,
                shards.stream().map(ShardGroup::of).toList(), bootstrap);
        return new ParticipantMachine(shards, host);
    }

    /** The replication settings every shard of the machine names: its one Raft server has one set of them. */
    static ReplicationSettings sharedSettings(String machineId, List<ParticipantConfig> shards) {
        ParticipantConfig first = shards.get(0);
        for (ParticipantConfig shard : shards) {
            if (shard.replication() == null) {
                throw new IllegalArgumentException("machine " + machineId + ": shard " + shard.core().participantId()
                        + " is not replicated (it names no replicas)");
            }
            if (!shard.replication().settings().equals(first.replication().settings())) {
                throw new IllegalArgumentException("machine " + machineId + ": shards " + first.core().participantId() + " and "
                        + shard.core().participantId() + " name different replication.* settings (" + first.replication().settings()
                        + " against " + shard.replication().settings() + "); one Raft server hosts them all, so they must agree");
            }
        }
        return first.replication().settings();
    }

    /**
     * Starts a node per shard, each made ready by {@code services} (its validator and application
     * services), then the Raft server. On a failure, stops whatever it started.
     */
    public ParticipantMachine start(UnaryOperator<ParticipantNode> services) throws IOException {
        try {
            for (ParticipantConfig shard : shards) {
                ParticipantNode node = services.apply(new ParticipantNode(shard)).withRaftHost(host);
                nodes.add(node);
                node.start();
            }
            host.start();
            return this;
        } catch (IOException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** The shards' nodes, once {@link #start} has made them. */
    public List<ParticipantNode> nodes() {
        return List.copyOf(nodes);
    }

    public RaftHost host() {
        return host;
    }

    @Override
    public void close() {
        nodes.forEach(ParticipantNode::stop);
        try {
            host.close();
        } catch (IOException e) {
            System.err.println("machine: cannot close its Raft server: " + e.getMessage());
        }
    }
}
