package dev.pledge.participant.rpc;

import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.participant.protocol.Event;
import dev.pledge.participant.protocol.Reply;
import dev.pledge.participant.protocol.CoreView;
import dev.pledge.participant.runtime.CoreGateway;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Admin;
import dev.pledge.wire.InDoubtBranch;
import dev.pledge.wire.InDoubtRequest;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.NotAllowed;
import dev.pledge.wire.UnknownTransaction;
import dev.pledge.wire.PeerView;
import dev.pledge.wire.ResolveRequest;
import dev.pledge.wire.ResolveResponse;
import dev.pledge.wire.StatsResponse;
import dev.pledge.wire.Unavailable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** Operator calls: in-doubt branches, heuristic resolve, counters. */
public final class AdminHandler implements Admin.Iface {
    private static final long QUERY_WAIT_MS = 2_000;

    private final String participantId;
    private final CoreGateway gateway;
    private final Supplier<Map<String, Long>> runtimeCounters;
    private final LongSupplier clockMs;

    public AdminHandler(String participantId, CoreGateway gateway, Supplier<Map<String, Long>> runtimeCounters,
                        LongSupplier clockMs) {
        this.participantId = participantId;
        this.gateway = gateway;
        this.runtimeCounters = runtimeCounters;
        this.clockMs = clockMs;
    }

    @Override
    public List<InDoubtBranch> listInDoubt(InDoubtRequest req) throws Unavailable {
        List<CoreView.InDoubt> inDoubt = gateway.query(CoreView::inDoubt, Math.min(QUERY_WAIT_MS, Math.max(1, req.getDeadlineMs())));
        long now = clockMs.getAsLong();
        List<InDoubtBranch> out = new ArrayList<>(inDoubt.size());
        for (CoreView.InDoubt d : inDoubt) {
            List<PeerView> peers = new ArrayList<>();
            for (Map.Entry<String, String> p : d.peerViews().entrySet()) peers.add(peerView(p.getKey(), p.getValue()));
            InDoubtBranch b = new InDoubtBranch(Wire.toWire(d.txId()), Math.max(0, now - d.preparedAtMs()),
                    new ArrayList<>(d.participants()), peers);
            b.setCoordinatorView(d.forgotten() ? "FORGOTTEN (needs an operator)" : d.coordinatorView());
            out.add(b);
        }
        return out;
    }

    /** The core keeps a peer's answer as a state name or "error: ..."; the wire wants a state plus an optional error. */
    private static PeerView peerView(String peerId, String view) {
        for (BranchState s : BranchState.values()) {
            if (s.name().equals(view)) return new PeerView(peerId, Wire.toWire(s));
        }
        PeerView v = new PeerView(peerId, dev.pledge.wire.BranchState.UNKNOWN);
        v.setError(view);
        return v;
    }

    /**
     * Forces an in-doubt branch, recorded as HEURISTIC. It does not ask the coordinator first: the
     * branch's own polling already does, and listInDoubt shows what it and the peers said.
     */
    @Override
    public ResolveResponse resolve(ResolveRequest req) throws UnknownTransaction, InvalidArgument, NotAllowed, Unavailable {
        if (!req.isHeuristic()) {
            throw new InvalidArgument("resolve forces a heuristic outcome; set heuristic=true to acknowledge that");
        }
        TxId txId;
        try {
            txId = Wire.fromWire(req.getTxId());
        } catch (RuntimeException e) {
            throw new InvalidArgument("bad txId: " + e.getMessage());
        }
        Reply r = gateway.ask((token, now, view) -> new Event.Resolve(now, token, txId, req.isCommit()), req.getDeadlineMs());
        if (r instanceof Reply.Resolved done) {
            ResolveResponse resp = new ResolveResponse(Wire.toWire(done.state()), done.forced());
            resp.setMessage(done.message());
            return resp;
        }
        Reply.Failed f = (Reply.Failed) r;
        switch (f.kind()) {
            case UNKNOWN_TRANSACTION -> throw new UnknownTransaction(req.getTxId(), f.message());
            case NOT_ALLOWED -> throw new NotAllowed(f.message());
            case INVALID -> throw new InvalidArgument(f.message());
            default -> throw new Unavailable(f.message());
        }
    }

    @Override
    public StatsResponse stats() throws Unavailable {
        Map<String, Long> counters = new java.util.LinkedHashMap<>(gateway.query(CoreView::counters, QUERY_WAIT_MS));
        counters.putAll(runtimeCounters.get());
        return new StatsResponse(participantId, counters);
    }
}
