package dev.pledge.participant.replication;

import dev.pledge.participant.config.ReplicationSettings;
import dev.pledge.runtime.Threads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one replica of a shard by the empty-disk rule ({@link ShardJoin}), on its own thread so
 * that a replica waiting for its peers never holds up its process's start:
 * <ol>
 *   <li>an identity in the data directory: that incarnation starts (a member recovers from its log;
 *   one that is not a member yet joins again);</li>
 *   <li>a Raft log but no identity (a directory written before identities): it is the bootstrap
 *   incarnation, which the group knows;</li>
 *   <li>an empty directory: a fresh incarnation that joins, unless {@code bootstrap} is set and
 *   {@link ShardJoin#firstStart} finds this is the first start of a new cluster.</li>
 * </ol>
 * The identity is written, synced, before the Raft server starts under it.
 */
public final class ReplicaStartup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaStartup.class);

    private final ShardGroup group;
    private final String replicaId;
    private final Path dataDir;
    private final ReplicationSettings settings;
    private final boolean bootstrap;
    private final ShardLeadership leadership;
    private final CompletableFuture<ShardReplica> started = new CompletableFuture<>();
    private final CompletableFuture<ReplicaIdentity> joined = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean closed;

    private ReplicaStartup(ShardGroup group, String replicaId, Path dataDir, ReplicationSettings settings, boolean bootstrap,
                           ShardLeadership leadership) {
        this.group = group;
        this.replicaId = replicaId;
        this.dataDir = dataDir;
        this.settings = settings;
        this.bootstrap = bootstrap;
        this.leadership = leadership;
        this.thread = Threads.daemon(this::run, "shard-" + group.shardId() + "-" + replicaId + "-startup");
    }

    /**
     * Begins starting replica {@code replicaId} of {@code group} on {@code dataDir}.
     *
     * @param bootstrap the operator says this may be the first start of a new cluster; it matters
     *                  only on an empty data directory, and only if no other replica holds a log
     */
    public static ReplicaStartup begin(ShardGroup group, String replicaId, Path dataDir, ReplicationSettings settings,
                                       boolean bootstrap) {
        return begin(group, replicaId, dataDir, settings, bootstrap, ShardLeadership.IGNORED);
    }

    static ReplicaStartup begin(ShardGroup group, String replicaId, Path dataDir, ReplicationSettings settings, boolean bootstrap,
                                ShardLeadership leadership) {
        group.address(replicaId);
        ReplicaStartup s = new ReplicaStartup(group, replicaId, dataDir, settings, bootstrap, leadership);
        s.thread.start();
        return s;
    }

    /** Completes with the running replica (a member or not yet); exceptionally if it could not start. */
    public CompletableFuture<ShardReplica> started() {
        return started;
    }

    /** Completes with this replica's identity once it is a member of the group and has caught up. */
    public CompletableFuture<ReplicaIdentity> joined() {
        return joined;
    }

    /** The running replica, or null while it has not started. */
    public ShardReplica replica() {
        return started.isDone() && !started.isCompletedExceptionally() ? started.join() : null;
    }

    private void run() {
        try {
            Optional<ReplicaIdentity> identity = identity();
            if (identity.isEmpty()) return;
            ShardReplica replica = ShardReplica.start(group, identity.get(), dataDir, settings, leadership);
            if (!started.complete(replica) || closed) {
                replica.close();
                return;
            }
            LOG.info("shard {} replica {}: started as {} ({})", group.shardId(), replicaId, identity.get().peerId(),
                    identity.get().member() ? "a member" : "joining");
            if (identity.get().member()) {
                joined.complete(identity.get());
                return;
            }
            if (ShardJoin.rejoin(new ShardMembership(group, settings, ShardMembership.ASK_TIMEOUT_MS_DEFAULT), replicaId,
                    replica.peer(), others(), ShardJoin.CHANGE_WAIT_MS_DEFAULT, ShardJoin.ROUND_PAUSE_MS_DEFAULT, () -> closed)) {
                ReplicaIdentity member = identity.get().asMember();
                member.write(dataDir);
                joined.complete(member);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("shard {} replica {} cannot start: {}", group.shardId(), replicaId, e.toString(), e);
            started.completeExceptionally(e);
            joined.completeExceptionally(e);
        }
    }

    /** The incarnation to start as, written before it is used; empty if closed while waiting for the peers. */
    private Optional<ReplicaIdentity> identity() throws IOException {
        return ReplicaIdentity.choose("shard " + group.shardId() + " replica " + replicaId, replicaId, dataDir, bootstrap, () -> {
            try {
                return decideFirstStart();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Asks the other replicas while a server without the group answers theirs at this replica's address. */
    private Optional<ShardJoin.FirstStart> decideFirstStart() throws IOException {
        RaftServer listening = ShardReplica.listenWithoutGroup(group, replicaId, dataDir, settings);
        try {
            return ShardJoin.firstStart(new ShardMembership(group, settings, ShardMembership.ASK_TIMEOUT_MS_DEFAULT), replicaId,
                    others(), ShardJoin.FIRST_START_ROUND_PAUSE_MS_DEFAULT, () -> closed);
        } finally {
            listening.close();
        }
    }

    private List<InetSocketAddress> others() {
        List<InetSocketAddress> others = new ArrayList<>();
        group.replicas().forEach((id, at) -> {
            if (!id.equals(replicaId)) others.add(at);
        });
        return others;
    }

    /** Stops waiting for peers or a leader, and stops the replica if it started. */
    @Override
    public void close() throws IOException {
        closed = true;
        // No interrupt: it could land in Ratis's file I/O. Every wait of the thread checks closed within a round.
        try {
            thread.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        started.completeExceptionally(new IOException("replica " + replicaId + " of shard " + group.shardId() + " was closed"));
        ShardReplica r = replica();
        if (r != null) r.close();
    }

    private static final long CLOSE_WAIT_MS = 10_000;
}
