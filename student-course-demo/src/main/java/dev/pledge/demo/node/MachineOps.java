package dev.pledge.demo.node;

import dev.pledge.coordinator.runtime.CoordinatorNode;
import dev.pledge.participant.ParticipantMachine;
import dev.pledge.participant.replication.RaftHost;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.OpsHttpServer;
import dev.pledge.rpc.PrometheusText;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * A machine's one operator endpoint: {@code GET /metrics} is every part's meters on one page (the
 * machine's own Raft view of each shard, its coordinator's meters, and the participant meters of
 * each shard it leads, which move with leadership), {@code GET /health} is 200 only when the
 * coordinator decides and every shard's division here knows a leader.
 *
 * <p>The machine's own meters, tagged {@code node=<machine id>, role=machine}, per shard:
 * {@code pledge_shard_leading} (1 on the leader's machine), {@code pledge_shard_leader_known},
 * {@code pledge_shard_term}, {@code pledge_shard_commit_index}, {@code pledge_shard_applied_index},
 * {@code pledge_shard_members}; and {@code pledge_machine_joined} (1 once it is a member of every
 * group, caught up). Each scrape reads the divisions once; -1 while this machine is not in a group.
 */
final class MachineOps implements AutoCloseable {
    private final String machineId;
    private final CoordinatorNode coordinator;
    private final ParticipantMachine shards;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** The divisions as the last scrape read them, by shard id. */
    private final Map<String, RaftHost.DivisionStatus> seen = new ConcurrentHashMap<>();
    private final OpsHttpServer http;

    private MachineOps(String machineId, CoordinatorNode coordinator, ParticipantMachine shards, Endpoint listen)
            throws IOException {
        this.machineId = machineId;
        this.coordinator = coordinator;
        this.shards = shards;
        registry.config().commonTags("node", machineId, "role", "machine");
        for (String shard : shards.host().shardIds()) {
            shardGauge("pledge_shard_leading", shard, "1 where this machine's replica leads the shard", s -> s.leading() ? 1 : 0);
            shardGauge("pledge_shard_leader_known", shard, "1 while this machine's replica knows a leader of the shard",
                    s -> s.knowsALeader() ? 1 : 0);
            shardGauge("pledge_shard_term", shard, "The Raft term this machine's replica is in", RaftHost.DivisionStatus::term);
            shardGauge("pledge_shard_commit_index", shard, "The last log index this machine's replica knows committed",
                    RaftHost.DivisionStatus::commitIndex);
            shardGauge("pledge_shard_applied_index", shard, "The last log index this machine's replica applied to its store",
                    RaftHost.DivisionStatus::appliedIndex);
            shardGauge("pledge_shard_members", shard, "Members of the shard's group as this machine's replica knows it",
                    RaftHost.DivisionStatus::members);
        }
        Gauge.builder("pledge_machine_joined", shards.host(), h -> h.joined().isDone() && !h.joined().isCompletedExceptionally() ? 1 : 0)
                .description("1 once this machine is a member of every shard's group, caught up").register(registry);
        this.http = OpsHttpServer.start(machineId, listen, this::scrape, this::health);
    }

    /** Serves the machine's /metrics and /health on {@code listen} until closed. */
    static MachineOps serve(String machineId, CoordinatorNode coordinator, ParticipantMachine shards, Endpoint listen)
            throws IOException {
        return new MachineOps(machineId, coordinator, shards, listen);
    }

    int port() {
        return http.port();
    }

    private void shardGauge(String name, String shard, String description, ToDoubleFunction<RaftHost.DivisionStatus> read) {
        Gauge.builder(name, seen, m -> {
            RaftHost.DivisionStatus s = m.get(shard);
            return s == null ? -1 : read.applyAsDouble(s);
        }).description(description).tag("shard", shard).register(registry);
    }

    String scrape() {
        for (RaftHost.DivisionStatus s : shards.host().divisions()) seen.put(s.shardId(), s);
        List<String> pages = new ArrayList<>();
        pages.add(registry.scrape());
        pages.add(coordinator.scrape());
        shards.nodes().forEach(n -> pages.add(n.scrape()));
        return PrometheusText.merge(pages);
    }

    OpsHttpServer.Health health() {
        OpsHttpServer.Health c = coordinator.health();
        boolean ok = c.ok();
        StringBuilder why = new StringBuilder("machine ").append(machineId).append(": coordinator ").append(c.reason());
        for (RaftHost.DivisionStatus s : shards.host().divisions()) {
            why.append("; shard ").append(s.shardId()).append(' ').append(s.role());
            if (s.term() >= 0) why.append(" in term ").append(s.term());
            if (s.knowsALeader()) {
                why.append(", leader ").append(s.leaderId());
            } else {
                why.append(", NO LEADER known");
                ok = false;
            }
        }
        return new OpsHttpServer.Health(ok, why.toString());
    }

    @Override
    public void close() {
        http.close();
        registry.close();
    }
}
