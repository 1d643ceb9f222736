package dev.pledge.demo.admin;

import dev.pledge.participant.config.ReplicationSettings;
import dev.pledge.participant.replication.ShardMembership;
import dev.pledge.rpc.Endpoint;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pledge admin shards} and {@code pledge admin replace}: a replicated shard's Raft group, asked
 * and changed through its replicas' Raft ports (Ratis's own admin protocol).
 */
final class ShardCommands {
    /** How long replace waits for the group to commit the change and the new replica to catch up. */
    static final long REPLACE_WAIT_MS_DEFAULT = 120_000;

    private ShardCommands() {}

    static List<InetSocketAddress> addresses(List<String> texts, String option) throws AdminCalls.Failed {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String t : texts) out.add(address(t, option));
        return out;
    }

    static InetSocketAddress address(String text, String option) throws AdminCalls.Failed {
        Endpoint e = AdminCalls.parse(text.trim(), option);
        return new InetSocketAddress(e.host(), e.port());
    }

    @Command(name = "shards", mixinStandardHelpOptions = true,
            description = "Each replicated shard's Raft group: its leader, its members, and each replica's lag (how far its "
                    + "applied index is behind the leader's commit index). Exit 1 if a shard has no leader.")
    static final class Shards extends AdminCommand.Base {
        @Option(names = "--shard", required = true, paramLabel = "ID=HOST:PORT[,HOST:PORT...]",
                description = "a shard and the Raft addresses of some of its replicas (the members are learned from them); "
                        + "repeat for several shards")
        Map<String, String> shards = new LinkedHashMap<>();

        @Option(names = "--ask-timeout-ms", paramLabel = "MS", description = "per replica (default ${DEFAULT-VALUE})")
        long askTimeoutMs = ShardMembership.ASK_TIMEOUT_MS_DEFAULT;

        @Override
        int run() throws Exception {
            if (askTimeoutMs <= 0) throw new AdminCalls.Failed("--ask-timeout-ms must be > 0, was " + askTimeoutMs);
            int code = 0;
            ReplicationSettings settings = ReplicationSettings.DEFAULTS.withTls(tlsFiles());
            for (Map.Entry<String, String> shard : shards.entrySet()) {
                List<InetSocketAddress> given = addresses(List.of(shard.getValue().split(",")), "--shard " + shard.getKey());
                ShardMembership group = ShardMembership.of(shard.getKey(), given, settings, askTimeoutMs);
                Optional<ShardMembership.Answer> leader = group.leader(given);
                if (leader.isEmpty()) {
                    out.println("shard " + shard.getKey() + ": NO LEADER (a majority of its replicas is down or cut off); answers: "
                            + group.askAll(given).stream().map(ShardCommands::describe).toList());
                    code = 1;
                    continue;
                }
                print(group, leader.get());
            }
            return code;
        }

        private void print(ShardMembership group, ShardMembership.Answer leader) {
            long commit = leader.commitIndex();
            out.printf("shard %s: leader %s, commit index %d, members %d%n", group.shardId(), leader.peerId(), commit,
                    leader.servers().size());
            out.printf("  %-28s %-22s %-10s %9s %9s %6s%n", "MEMBER", "RAFT ADDRESS", "ROLE", "APPLIED", "COMMITTED", "LAG");
            Map<String, Long> known = leader.commitIndexes();
            for (RaftPeer peer : leader.servers()) {
                String id = peer.getId().toString();
                ShardMembership.Answer a = id.equals(leader.peerId()) ? leader : group.ask(ShardMembership.address(peer));
                if (!a.answered()) {
                    out.printf("  %-28s %-22s %-10s %9s %9s %6s  (%s; the leader knows it committed %s)%n", id, peer.getAddress(),
                            "UNREACHABLE", "-", "-", "-", a.error() == null ? "no such group there" : a.error(), known.getOrDefault(id, -1L));
                    continue;
                }
                out.printf("  %-28s %-22s %-10s %9d %9d %6d%n", id, peer.getAddress(), a.role(), a.appliedIndex(), a.commitIndex(),
                        commit - a.appliedIndex());
            }
        }
    }

    @Command(name = "replace", mixinStandardHelpOptions = true,
            description = "Replace a replica that will never come back: the shard's leader changes the Raft group from the dead "
                    + "replica to the new one (already running on an empty disk at --new), and this waits until the new one has "
                    + "caught up. Needs a majority of the shard up. Exit 0 done, 1 refused, 2 unreachable or bad input.")
    static final class Replace extends AdminCommand.Base {
        @Option(names = "--shard", required = true, paramLabel = "ID")
        String shard;

        @Option(names = "--members", required = true, split = ",", paramLabel = "HOST:PORT[,HOST:PORT...]",
                description = "Raft addresses of live replicas of the shard (any one will do)")
        List<String> members;

        @Option(names = "--dead", required = true, paramLabel = "HOST:PORT", description = "Raft address of the replica to remove")
        String dead;

        @Option(names = "--new", required = true, paramLabel = "HOST:PORT", description = "Raft address of the replacement")
        String fresh;

        @Option(names = "--wait-ms", paramLabel = "MS", description = "for the change and the catch-up (default ${DEFAULT-VALUE})")
        long waitMs = REPLACE_WAIT_MS_DEFAULT;

        @Override
        int run() throws Exception {
            if (waitMs <= 0) throw new AdminCalls.Failed("--wait-ms must be > 0, was " + waitMs);
            List<InetSocketAddress> live = addresses(members, "--members");
            InetSocketAddress deadAt = address(dead, "--dead");
            InetSocketAddress newAt = address(fresh, "--new");
            ShardMembership group = ShardMembership.of(shard, live, ReplicationSettings.DEFAULTS.withTls(tlsFiles()),
                    ShardMembership.ASK_TIMEOUT_MS_DEFAULT);
            ShardMembership.Answer joining = group.ask(newAt);
            if (joining.peerId() == null) {
                throw new AdminCalls.Failed("the new replica at " + newAt + " serves no part of shard " + shard + " ("
                        + (joining.error() == null ? "it holds no such group" : joining.error())
                        + "); start it first, on an empty disk, configured with the shard's replicas");
            }
            Optional<ShardMembership.Answer> leader = group.leader(live);
            if (leader.isEmpty()) {
                throw new AdminCalls.Failed("shard " + shard + " has no leader (a majority of its replicas is down or cut off): "
                        + "nothing changed; answers: " + group.askAll(live).stream().map(ShardCommands::describe).toList());
            }
            long startNs = System.nanoTime();
            List<RaftPeer> now = leader.get().servers();
            boolean newIsMember = now.stream().anyMatch(p -> p.getId().toString().equals(joining.peerId()));
            boolean deadIsMember = now.stream().anyMatch(p -> ShardMembership.address(p).equals(deadAt));
            if (!newIsMember && !deadIsMember) {
                throw new AdminCalls.Failed("no member of shard " + shard + " is at --dead " + deadAt + "; members: " + now);
            }
            if (!newIsMember || deadIsMember) {
                RaftPeer joiningPeer = RaftPeer.newBuilder().setId(joining.peerId())
                        .setAddress(newAt.getHostString() + ":" + newAt.getPort()).build();
                RaftClientReply reply = group.replace(leader.get(), p -> ShardMembership.address(p).equals(deadAt), joiningPeer, waitMs);
                if (!reply.isSuccess()) {
                    err.println("pledge admin: refused: shard " + shard + " did not change its members: " + reply.getException());
                    return 1;
                }
            }
            long target = group.leader(live).map(ShardMembership.Answer::commitIndex).orElse(leader.get().commitIndex());
            if (!group.awaitApplied(newAt, target, waitMs, () -> false)) {
                throw new AdminCalls.Failed("shard " + shard + ": " + joining.peerId() + " is a member but did not catch up to index "
                        + target + " within --wait-ms " + waitMs);
            }
            out.printf("shard %s: %s replaced by %s at %s, caught up to index %d in %d ms%n", shard, deadAt, joining.peerId(), newAt,
                    target, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
            return 0;
        }
    }

    private static String describe(ShardMembership.Answer a) {
        if (a.answered()) return a.address() + " " + a.peerId() + " " + a.role();
        return a.address() + " " + (a.error() == null ? "holds no such group" : "unreachable (" + a.error() + ")");
    }
}
