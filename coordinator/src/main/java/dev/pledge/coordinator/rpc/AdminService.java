package dev.pledge.coordinator.rpc;

import dev.pledge.core.TxId;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Admin;
import dev.pledge.wire.BranchState;
import dev.pledge.wire.DeadlineExceeded;
import dev.pledge.wire.InDoubtBranch;
import dev.pledge.wire.InDoubtRequest;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.ResolveRequest;
import dev.pledge.wire.ResolveResponse;
import dev.pledge.wire.StatsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Admin service of a coordinator: counters (including group-commit figures), and the committed
 * transactions whose writes a participant lost, listed as in-doubt entries in state HEURISTIC_MIXED
 * (atomicity is broken for them, as for a heuristic decision the real outcome contradicted). In-doubt
 * branches live at participants, so the coordinator lists no others and resolves none.
 */
public final class AdminService implements Admin.Iface {
    private final String nodeId;
    private final Supplier<Map<String, Long>> counters;
    private final Supplier<Map<TxId, List<String>>> damaged;

    public AdminService(String nodeId, Supplier<Map<String, Long>> counters, Supplier<Map<TxId, List<String>>> damaged) {
        this.nodeId = nodeId;
        this.counters = counters;
        this.damaged = damaged;
    }

    @Override
    public List<InDoubtBranch> listInDoubt(InDoubtRequest request) throws InvalidArgument, DeadlineExceeded {
        Wire.timeLeftMs(Wire.required("request", request).getDeadlineMs());
        List<InDoubtBranch> out = new ArrayList<>();
        damaged.get().forEach((id, lines) -> out.add(new InDoubtBranch(Wire.toWire(id), 0, List.of(), List.of())
                .setState(BranchState.HEURISTIC_MIXED)
                .setCoordinatorView("COMMITTED with DATA LOSS: " + String.join("; ", lines))));
        return out;
    }

    @Override
    public ResolveResponse resolve(ResolveRequest request) throws InvalidArgument {
        Wire.required("request", request);
        throw new InvalidArgument("resolve is a participant operation; the coordinator holds no branches");
    }

    @Override
    public StatsResponse stats() {
        return new StatsResponse(nodeId, counters.get());
    }
}
