package dev.pledge.participant.rpc;

import dev.pledge.auth.OperatorAuth;
import dev.pledge.runtime.Clock;
import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.participant.protocol.Event;
import dev.pledge.participant.protocol.Reply;
import dev.pledge.participant.protocol.CoreView;
import dev.pledge.core.TxState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Admin;
import dev.pledge.wire.DeadlineExceeded;
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
import java.util.function.Supplier;

/** Operator calls: in-doubt branches, heuristic resolve, counters. */
public final class AdminHandler implements Admin.Iface {
    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
    private static final long QUERY_WAIT_MS = 2_000;

    private final String participantId;
    private final CoreAccess gateway;
    private final Supplier<Map<String, Long>> runtimeCounters;
    private final Clock clock;
    private final OutcomeOracle oracle;
    private final Supplier<List<HeuristicEntry>> heuristics;
    private final OperatorAuth operators;

    public AdminHandler(String participantId, CoreAccess gateway, Supplier<Map<String, Long>> runtimeCounters,
                        Clock clock, OutcomeOracle oracle, Supplier<List<HeuristicEntry>> heuristics, OperatorAuth operators) {
        this.participantId = participantId;
        this.operators = operators;
        this.gateway = gateway;
        this.runtimeCounters = runtimeCounters;
        this.clock = clock;
        this.oracle = oracle;
        this.heuristics = heuristics;
    }

    @Override
    public List<InDoubtBranch> listInDoubt(InDoubtRequest req) throws Unavailable, InvalidArgument, DeadlineExceeded {
        long deadlineMs = Wire.timeLeftMs(Wire.required("request", req).getDeadlineMs());
        List<CoreView.InDoubt> inDoubt = gateway.query(CoreView::inDoubt, Math.min(QUERY_WAIT_MS, deadlineMs));
        long now = clock.nowMs();
        List<InDoubtBranch> out = new ArrayList<>(inDoubt.size());
        for (CoreView.InDoubt d : inDoubt) {
            List<PeerView> peers = new ArrayList<>();
            for (Map.Entry<String, String> p : d.peerViews().entrySet()) peers.add(peerView(p.getKey(), p.getValue()));
            InDoubtBranch b = new InDoubtBranch(Wire.toWire(d.txId()), Math.max(0, now - d.preparedAtMs()),
                    new ArrayList<>(d.participants()), peers);
            b.setCoordinatorView(d.forgotten() ? "FORGOTTEN (needs an operator)" : d.coordinatorView());
            b.setState(dev.pledge.wire.BranchState.PREPARED);
            out.add(b);
        }
        if (req.isIncludeHeuristic()) {
            for (HeuristicEntry h : heuristics.get()) {
                InDoubtBranch b = new InDoubtBranch(Wire.toWire(h.txId()), Math.max(0, now - h.atMs()), List.of(), List.of());
                b.setState(Wire.toWire(h.state()));
                b.setCoordinatorView(h.state() == BranchState.HEURISTIC_MIXED
                        ? "the real decision contradicted the operator's" : "forced by an operator");
                out.add(b);
            }
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
     * Forces an in-doubt branch, recorded as HEURISTIC, but only when nobody can tell the real
     * outcome: the coordinator and the peers are asked first, and a real outcome is applied instead
     * (answered with {@code forced=false}). A coordinator still deciding (PREPARING) cannot tell the outcome,
     * so it does not stop an operator who insists. Only an operator may ask ({@link OperatorAuth});
     * the request's shape is checked first, so malformed input is InvalidArgument whoever sends it.
     */
    @Override
    public ResolveResponse resolve(ResolveRequest req) throws UnknownTransaction, InvalidArgument, NotAllowed, Unavailable,
            DeadlineExceeded {
        Wire.timeLeftMs(Wire.required("request", req).getDeadlineMs());
        if (!req.isHeuristic()) {
            throw new InvalidArgument("resolve forces a heuristic outcome; set heuristic=true to acknowledge that");
        }
        TxId txId = Wire.txIdOf("txId", req.getTxId());
        String operator = operators.authorize("resolve of tx " + txId, req.getOperator());
        long startMs = clock.nowMs();
        long waitMs = Math.min(QUERY_WAIT_MS, Math.max(1, req.getDeadlineMs()));
        CoreView.InDoubt branch = gateway.query(v -> v.inDoubt().stream().filter(d -> d.txId().equals(txId))
                .findFirst().orElse(null), waitMs);
        if (branch != null) {
            // Half the deadline for asking, the rest for applying what we learn (or forcing).
            OutcomeOracle.Answer answer = oracle.ask(txId, branch.participants(), Math.max(1, req.getDeadlineMs() / 2));
            if (answer.known() != null) return applyKnown(txId, operator, answer, remainingMs(req, startMs));
            log.warn("participant {} tx {} nobody can tell the outcome ({}); forcing {} as operator {} asked",
                    participantId, txId, String.join("; ", answer.views()), req.isCommit() ? "COMMIT" : "ABORT", operator);
        }
        Reply r = gateway.ask((token, now, view) -> new Event.Resolve(now, token, txId, req.isCommit(), operator),
                remainingMs(req, startMs));
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

    /** The real outcome is known: hand it to the core as the answer it came from, and report it unforced. */
    private ResolveResponse applyKnown(TxId txId, String operator, OutcomeOracle.Answer answer, long waitMs)
            throws Unavailable {
        OutcomeOracle.Known k = answer.known();
        BranchState real = k.committed() ? BranchState.COMMITTED : BranchState.ABORTED;
        log.warn("participant {} tx {} heuristic resolve by operator {} refused: {} knows the outcome {}; applying it",
                participantId, txId, operator, k.source(), real);
        gateway.tell(now -> k.peerId() == null
                ? new Event.CoordinatorStatus(now, txId, k.committed() ? TxState.COMMITTED : TxState.ABORTED, null)
                : new Event.PeerReplied(now, txId, k.peerId(), real, null));
        BranchState after = gateway.query(v -> v.branchState(txId), waitMs);
        ResolveResponse resp = new ResolveResponse(Wire.toWire(after), false);
        resp.setMessage("refused: " + k.source() + " knows the real outcome " + real + "; applied it instead ("
                + String.join("; ", answer.views()) + ")");
        return resp;
    }

    private long remainingMs(ResolveRequest req, long startMs) {
        return Math.max(1, req.getDeadlineMs() - (clock.nowMs() - startMs));
    }

    @Override
    public StatsResponse stats() throws Unavailable {
        Map<String, Long> counters = new java.util.LinkedHashMap<>(gateway.query(CoreView::counters, QUERY_WAIT_MS));
        counters.putAll(runtimeCounters.get());
        return new StatsResponse(participantId, counters);
    }
}
