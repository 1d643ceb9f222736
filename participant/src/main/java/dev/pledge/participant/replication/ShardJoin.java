package dev.pledge.participant.replication;

import dev.pledge.core.Check;
import dev.pledge.runtime.Threads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The empty-disk rule of a replicated shard: a replica that finds its data directory empty has
 * forgotten its votes and its log, so it never takes part under a peer id that may have voted or
 * acknowledged before ({@link ReplicaIdentity}). It either
 * <ul>
 *   <li>bootstraps, as incarnation {@link ReplicaIdentity#BOOTSTRAP}, only when the operator says
 *   this is the first start of a new cluster AND every other replica answered that it holds no log
 *   of the group ({@link #firstStart}); any replica unreachable: it waits and says so, never
 *   bootstraps; or</li>
 *   <li>joins as a fresh incarnation ({@link #rejoin}): the group's leader replaces the replica's old
 *   incarnation by the fresh one in one membership change. Ratis brings the fresh one up to date
 *   before the change commits (on a majority of the old members and of the new), and its votes and
 *   acknowledgements count for nothing until then. With no majority up there is no leader: it
 *   waits, logging each round, and never bootstraps.</li>
 * </ul>
 *
 * <p>{@link #rejoin} is the entry point for a replica whose disk was lost, one shard at a time: a
 * process hosting several shards calls it once per shard after starting that shard's (empty) division.
 */
public final class ShardJoin {
    private static final Logger LOG = LoggerFactory.getLogger(ShardJoin.class);
    /** How long one membership change may take, its new member's catch-up included, before it is asked again. */
    public static final long CHANGE_WAIT_MS_DEFAULT = 60_000;
    /** Pause between rounds while a majority cannot be reached. */
    public static final long ROUND_PAUSE_MS_DEFAULT = 1_000;
    /**
     * Pause between rounds of a first start: short, so replicas started together see each other
     * within an election timeout; one that sees a log too late joins instead, which is safe, only slower.
     */
    public static final long FIRST_START_ROUND_PAUSE_MS_DEFAULT = 100;

    /** What an empty disk does on the first start of a new cluster. */
    public enum FirstStart { BOOTSTRAP, JOIN }

    private ShardJoin() {}

    /**
     * Decides the first start of replica {@code self}: BOOTSTRAP once every other replica
     * ({@code others}) answered and none holds a log of the group; JOIN as soon as one does (the
     * cluster exists: this is not its first start). Waits while any is unreachable.
     *
     * @return empty if {@code stopped} became true first
     */
    public static Optional<FirstStart> firstStart(ShardMembership group, String self, Collection<InetSocketAddress> others,
                                                  long roundPauseMs, BooleanSupplier stopped) {
        for (int round = 1; !stopped.getAsBoolean(); round++) {
            List<ShardMembership.Answer> answers = group.askAll(others);
            Optional<ShardMembership.Answer> hasLog = answers.stream().filter(a -> a.answered() && !a.hasNoLog()).findFirst();
            if (hasLog.isPresent()) {
                LOG.warn("shard {} replica {}: asked to bootstrap, but {} already holds a log of the group: not a first start; "
                        + "joining as a new incarnation instead", group.shardId(), self, hasLog.get().address());
                return Optional.of(FirstStart.JOIN);
            }
            List<ShardMembership.Answer> silent = answers.stream().filter(a -> a.error() != null).toList();
            if (silent.isEmpty()) {
                LOG.info("shard {} replica {}: every other replica answered with no log: bootstrapping the group", group.shardId(), self);
                return Optional.of(FirstStart.BOOTSTRAP);
            }
            LOG.warn("shard {} replica {}: waits to bootstrap (round {}): every other replica must answer first; unreachable: {}",
                    group.shardId(), self, round, silent.stream().map(a -> a.address() + " (" + a.error() + ")").toList());
            if (!Threads.pause(roundPauseMs)) return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Makes {@code self} (a fresh incarnation of replica {@code replicaId}, already serving an empty
     * division of the group at its address) a member in place of that replica's old incarnation,
     * and returns once it is a member and has applied everything the leader had committed when the
     * change committed. Asks the replicas at {@code known} (and every member they name) for the
     * leader; while there is none (no majority up) it waits, logging each round.
     *
     * @return false if {@code stopped} became true first
     */
    public static boolean rejoin(ShardMembership group, String replicaId, RaftPeer self, Collection<InetSocketAddress> known,
                                 long changeWaitMs, long roundPauseMs, BooleanSupplier stopped) {
        Check.argument(ReplicaIdentity.replicaIdOf(self.getId().toString()).equals(replicaId),
                "peer %s is not an incarnation of replica %s", self.getId(), replicaId);
        InetSocketAddress selfAddress = ShardMembership.address(self);
        for (int round = 1; !stopped.getAsBoolean(); round++) {
            Optional<ShardMembership.Answer> leader = group.leader(known);
            if (leader.isEmpty()) {
                LOG.warn("shard {} replica {}: waits to join as {} (round {}): no leader answers; a majority of the group must be up",
                        group.shardId(), replicaId, self.getId(), round);
            } else if (isMember(leader.get(), self)) {
                long target = leader.get().commitIndex();
                if (group.awaitApplied(selfAddress, target, changeWaitMs, stopped)) {
                    LOG.info("shard {} replica {}: {} is a member and caught up to index {}", group.shardId(), replicaId, self.getId(), target);
                    return true;
                }
            } else if (leader.get().servers().stream().noneMatch(p -> isIncarnationOf(p, replicaId))) {
                LOG.warn("shard {} replica {}: waits to join as {} (round {}): the group {} holds no incarnation of replica {} to "
                        + "replace; an operator adds this one with `pledge admin replace`", group.shardId(), replicaId, self.getId(),
                        round, leader.get().servers(), replicaId);
            } else {
                long startNs = System.nanoTime();
                String outcome = change(group, leader.get(), replicaId, self, changeWaitMs);
                LOG.info("shard {} replica {}: replacing its old incarnation by {} through leader {}: {} after {} ms",
                        group.shardId(), replicaId, self.getId(), leader.get().peerId(), outcome,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
                if (outcome.equals("done")) continue;
            }
            if (!Threads.pause(roundPauseMs)) return false;
        }
        return false;
    }

    private static String change(ShardMembership group, ShardMembership.Answer leader, String replicaId, RaftPeer self, long waitMs) {
        try {
            RaftClientReply reply = group.replace(leader, p -> isIncarnationOf(p, replicaId), self, waitMs);
            return reply.isSuccess() ? "done" : "refused (" + reply.getException() + ")";
        } catch (IOException | RuntimeException e) {
            return "failed (" + e + ")";
        }
    }

    private static boolean isIncarnationOf(RaftPeer peer, String replicaId) {
        return ReplicaIdentity.replicaIdOf(peer.getId().toString()).equals(replicaId);
    }

    private static boolean isMember(ShardMembership.Answer leader, RaftPeer self) {
        return leader.servers().stream().anyMatch(p -> p.getId().equals(self.getId()));
    }


}
