package dev.pledge.coordinator.rpc;

import dev.pledge.wire.Admin;
import dev.pledge.wire.InDoubtBranch;
import dev.pledge.wire.InDoubtRequest;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.ResolveRequest;
import dev.pledge.wire.ResolveResponse;
import dev.pledge.wire.StatsResponse;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Admin service of a coordinator: counters (including group-commit figures). In-doubt
 * branches live at participants, so the coordinator lists none and resolves none.
 */
public final class AdminService implements Admin.Iface {
    private final String nodeId;
    private final Supplier<Map<String, Long>> counters;

    public AdminService(String nodeId, Supplier<Map<String, Long>> counters) {
        this.nodeId = nodeId;
        this.counters = counters;
    }

    @Override
    public List<InDoubtBranch> listInDoubt(InDoubtRequest request) {
        return List.of();
    }

    @Override
    public ResolveResponse resolve(ResolveRequest request) throws InvalidArgument {
        throw new InvalidArgument("resolve is a participant operation; the coordinator holds no branches");
    }

    @Override
    public StatsResponse stats() {
        return new StatsResponse(nodeId, counters.get());
    }
}
