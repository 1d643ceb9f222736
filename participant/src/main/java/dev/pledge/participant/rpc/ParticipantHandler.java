package dev.pledge.participant.rpc;

import dev.pledge.core.BranchState;
import dev.pledge.core.Check;
import dev.pledge.core.Limits;
import dev.pledge.core.TxId;
import dev.pledge.participant.app.PrepareValidator;
import dev.pledge.participant.protocol.CoreView;
import dev.pledge.participant.protocol.Event;
import dev.pledge.participant.protocol.Reply;
import dev.pledge.rpc.Wire;
import dev.pledge.participant.protocol.Key;
import dev.pledge.participant.protocol.Write;
import dev.pledge.wire.Ack;
import dev.pledge.wire.DeadlineExceeded;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.DecisionItem;
import dev.pledge.wire.ExchangeRequest;
import dev.pledge.wire.ExchangeResponse;
import dev.pledge.wire.KvWrite;
import dev.pledge.wire.PrepareItem;
import dev.pledge.wire.RecoverRequest;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PeerStateRequest;
import dev.pledge.wire.PeerStateResponse;
import dev.pledge.wire.PingResponse;
import dev.pledge.wire.PrepareResponse;
import dev.pledge.wire.Unavailable;
import dev.pledge.wire.NotAllowed;
import dev.pledge.tls.CallerCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The protocol side of a participant over Thrift: translates wire types at the edge and asks the core. */
public final class ParticipantHandler implements Participant.Iface {
    private static final Logger log = LoggerFactory.getLogger(ParticipantHandler.class);

    /** With TLS: only the participant's coordinators and peers may call the protocol methods. */
    private final CallerCheck protocolCallers;
    private final String participantId;
    /** Stamped on every vote, acknowledgement and peer answer: which storage they are durable on. */
    private final long storageId;
    private final CoreAccess gateway;
    private final PrepareValidator validator;
    private final PrepareValidator.CommittedData committed;

    /** {@code committed}: committed values as the core knows them (including commits not yet stored). */
    public ParticipantHandler(String participantId, long storageId, CoreAccess gateway, PrepareValidator validator,
                              PrepareValidator.CommittedData committed, CallerCheck protocolCallers) {
        this.protocolCallers = protocolCallers;
        this.participantId = participantId;
        this.storageId = storageId;
        this.gateway = gateway;
        this.validator = validator;
        this.committed = committed;
    }

    /**
     * Every item becomes its own event; they are all posted before waiting, so their records share
     * one log sync. A malformed prepare item (oversized included) gets a NO vote of its own and the
     * rest go on; a request over the batch limit, or with a malformed decision, is refused whole
     * before anything is done.
     */
    @Override
    public ExchangeResponse exchange(ExchangeRequest req) throws Unavailable, InvalidArgument, DeadlineExceeded,
            NotAllowed {
        return Wire.await(exchangeLater(req), Unavailable.class);
    }

    /**
     * {@link #exchange} without blocking, as the server runs it (inline): checks the request and
     * posts its events here; the answer completes once the core released every reply. Fails only
     * with Unavailable.
     */
    public CompletableFuture<ExchangeResponse> exchangeLater(ExchangeRequest req) throws InvalidArgument,
            DeadlineExceeded, NotAllowed {
        return admitExchange(req).start();
    }

    /** An exchange whose caller was checked: it may start on any thread. */
    public interface AdmittedExchange {
        /** {@link #exchangeLater} from its caller check on. */
        CompletableFuture<ExchangeResponse> start() throws InvalidArgument, DeadlineExceeded;
    }

    /**
     * Checks the caller of an exchange, on the thread serving the request (with TLS, the caller's
     * certificate is that thread's); the exchange can then start later, on another thread, as a
     * replica's does once it confirmed it still leads.
     */
    public AdmittedExchange admitExchange(ExchangeRequest req) throws NotAllowed {
        protocolCallers.check("exchange");
        return () -> exchangeAdmitted(req);
    }

    private CompletableFuture<ExchangeResponse> exchangeAdmitted(ExchangeRequest req) throws InvalidArgument, DeadlineExceeded {
        long deadlineMs = Wire.timeLeftMs(Wire.required("request", req).getDeadlineMs());
        List<PrepareItem> prepares = req.getPrepares() == null ? List.of() : req.getPrepares();
        List<DecisionItem> decisions = req.getDecisions() == null ? List.of() : req.getDecisions();
        Wire.invalidIf(() -> Limits.checkSize("exchange", (long) prepares.size() + decisions.size(),
                "items (prepares plus decisions)", Limits.BATCH_ITEMS_MAX, "BATCH_ITEMS_MAX"));
        List<CoreAccess.RequestMaker> decided = new ArrayList<>(decisions.size());
        for (int i = 0; i < decisions.size(); i++) {
            DecisionItem item = Wire.required("decisions[" + i + "]", decisions.get(i));
            decided.add(decisionEvent(Wire.txIdOf("decisions[" + i + "].txId", item.getTxId()), item.isCommit()));
        }
        PrepareResponse[] votes = new PrepareResponse[prepares.size()];
        // Decisions first: a phase-two commit's sync may linger for company, and the prepares
        // behind it in this very request are that company, so both share one sync.
        List<CoreAccess.RequestMaker> makers = new ArrayList<>(decided.size() + prepares.size());
        makers.addAll(decided);
        List<Integer> posted = new ArrayList<>(prepares.size());
        for (int i = 0; i < prepares.size(); i++) {
            PrepareItem item = prepares.get(i);
            try {
                makers.add(prepareItemEvent(item));
                posted.add(i);
            } catch (RuntimeException e) {
                votes[i] = new PrepareResponse(dev.pledge.wire.Vote.NO).setReason(dev.pledge.wire.AbortReason.VALIDATION_FAILED)
                        .setMessage(Limits.clip("malformed prepare: " + e.getMessage(), Limits.REASON_CHARS_MAX));
            }
        }
        CompletableFuture<List<Reply>> replies = makers.isEmpty() ? CompletableFuture.completedFuture(List.of())
                : gateway.askAllLater(makers, deadlineMs);
        return replies.thenApply(r -> {
            try {
                return answer(prepares, votes, posted, r.subList(decided.size(), r.size()), r.subList(0, decided.size()));
            } catch (Unavailable u) {
                throw new CompletionException(u);
            }
        });
    }

    /** The response: each posted prepare's vote in its place, and one Ack per decision. */
    private ExchangeResponse answer(List<PrepareItem> prepares, PrepareResponse[] votes, List<Integer> posted,
                                    List<Reply> voteReplies, List<Reply> decisionReplies) throws Unavailable {
        for (int k = 0; k < posted.size(); k++) {
            Reply r = voteReplies.get(k);
            votes[posted.get(k)] = prepares.get(posted.get(k)).isOnePhase() ? onePhaseVote(r) : vote(r);
        }
        for (PrepareResponse v : votes) v.setStorageId(storageId);
        List<Ack> acks = new ArrayList<>(decisionReplies.size());
        for (Reply r : decisionReplies) {
            // A decision this branch cannot take (it never prepared here) is UNKNOWN: the sender retries it alone.
            acks.add((r instanceof Reply.Acked a ? new Ack(Wire.toWire(a.state()))
                    : new Ack(dev.pledge.wire.BranchState.UNKNOWN)).setStorageId(storageId));
        }
        return new ExchangeResponse(List.of(votes), acks);
    }

    @Override
    public List<dev.pledge.wire.TxId> recoverPrepared(RecoverRequest req) throws Unavailable, InvalidArgument,
            DeadlineExceeded, NotAllowed {
        protocolCallers.check("recoverPrepared");
        long deadlineMs = Wire.timeLeftMs(Wire.required("request", req).getDeadlineMs());
        String prefix = req.getCoordinatorIdPrefix() == null ? "" : req.getCoordinatorIdPrefix();
        List<CoreView.InDoubt> inDoubt = gateway.query(CoreView::inDoubt, deadlineMs);
        List<dev.pledge.wire.TxId> ids = new ArrayList<>();
        for (CoreView.InDoubt b : inDoubt) {
            if (b.txId().coordinatorId().startsWith(prefix)) ids.add(Wire.toWire(b.txId()));
        }
        return ids;
    }

    /** The event of one prepare item; IllegalArgumentException (clear message) if it is malformed or oversized. */
    private CoreAccess.RequestMaker prepareItemEvent(PrepareItem item) {
        TxId txId = Wire.fromWire(item.getTxId());
        List<Write> writes = item.isSetWrites() ? writes(item.getWrites()) : null;
        if (item.isOnePhase()) return onePhaseEvent(txId, item.getIncarnation(), writes);
        Check.argument(item.getParticipants() != null, "participants is required");
        Limits.checkSize("participants", item.getParticipantsSize(), "ids", Limits.PARTICIPANTS_PER_TX_MAX,
                "PARTICIPANTS_PER_TX_MAX");
        for (String id : item.getParticipants()) Limits.checkId("a participant id", id);
        return prepareEvent(txId, List.copyOf(item.getParticipants()), item.getIncarnation(), writes);
    }

    private CoreAccess.RequestMaker prepareEvent(TxId txId, List<String> participants, long incarnation,
                                                  List<Write> writes) {
        return (token, now, view) -> new Event.Prepare(now, token, txId, participants, txId.coordinatorId(),
                incarnation, verdict(txId, view, writes), writes);
    }

    /** A one-phase item's answer: its branch state, and YES only when it committed. */
    private static PrepareResponse onePhaseVote(Reply r) {
        if (r instanceof Reply.Acked a) {
            PrepareResponse resp = new PrepareResponse(a.state() == BranchState.COMMITTED
                    ? dev.pledge.wire.Vote.YES : dev.pledge.wire.Vote.NO).setOnePhaseState(Wire.toWire(a.state()));
            if (a.reason() != null) resp.setReason(Wire.toWire(a.reason()));
            if (a.message() != null) resp.setMessage(a.message());
            return resp;
        }
        String why = r instanceof Reply.Failed f ? f.message() : String.valueOf(r);
        return new PrepareResponse(dev.pledge.wire.Vote.NO).setOnePhaseState(dev.pledge.wire.BranchState.UNKNOWN)
                .setMessage(why);
    }

    private CoreAccess.RequestMaker onePhaseEvent(TxId txId, long incarnation, List<Write> writes) {
        return (token, now, view) -> new Event.CommitOnePhase(now, token, txId, incarnation,
                verdict(txId, view, writes), writes);
    }

    private static PrepareResponse vote(Reply r) throws Unavailable {
        Reply.Voted v = expect(r, Reply.Voted.class);
        PrepareResponse resp = new PrepareResponse(Wire.toWire(v.vote()));
        if (v.reason() != null) resp.setReason(Wire.toWire(v.reason()));
        if (v.message() != null) resp.setMessage(v.message());
        return resp;
    }

    /** Wire writes to core writes; IllegalArgumentException (clear message) for too many, or an empty or oversized key or value. */
    private static List<Write> writes(List<KvWrite> wire) {
        Limits.checkSize("writes", wire.size(), "writes", Limits.WRITES_PER_BRANCH_MAX, "WRITES_PER_BRANCH_MAX");
        List<Write> out = new ArrayList<>(wire.size());
        for (KvWrite w : wire) {
            Check.argument(w != null && w.getKey() != null, "a write has no key");
            Key key = Key.of(w.getKey());
            if (w.isSetValue()) Limits.checkValue("value", w.getValue().length);
            out.add(w.isSetValue() ? Write.put(key, w.getValue()) : Write.delete(key));
        }
        return out;
    }

    private static CoreAccess.RequestMaker decisionEvent(TxId txId, boolean commit) {
        return commit ? (token, now, view) -> new Event.Commit(now, token, txId)
                : (token, now, view) -> new Event.Abort(now, token, txId);
    }

    @Override
    public PeerStateResponse peerState(PeerStateRequest req) throws Unavailable, InvalidArgument, DeadlineExceeded,
            NotAllowed {
        protocolCallers.check("peerState");
        long deadlineMs = Wire.timeLeftMs(Wire.required("request", req).getDeadlineMs());
        TxId txId = Wire.txIdOf("txId", req.getTxId());
        String asker = Wire.invalidIf(() -> Limits.checkId("askingParticipantId", req.getAskingParticipantId()));
        boolean inquireOnly = req.isInquireOnly();
        Reply r = gateway.ask((token, now, view) -> new Event.PeerState(now, token, txId, asker, inquireOnly),
                deadlineMs);
        return new PeerStateResponse(Wire.toWire(expect(r, Reply.PeerAnswer.class).state())).setStorageId(storageId);
    }

    @Override
    public PingResponse ping() throws Unavailable {
        return new PingResponse(participantId, gateway.query(CoreView::incarnation, 1_000)).setStorageId(storageId);
    }

    /** Runs on the core's thread, so the write set cannot change under the validator. */
    private Event.Verdict verdict(TxId txId, CoreView view, List<Write> sentWrites) {
        BranchState state = view.branchState(txId);
        // Writes sent with the prepare are the write set of a branch this very event creates.
        List<Write> writes = sentWrites != null && state == BranchState.UNKNOWN ? sentWrites
                : state == BranchState.ACTIVE ? view.writeSet(txId) : List.of();
        if (writes.isEmpty()) return Event.Verdict.OK;
        try {
            PrepareValidator.Result r = validator.validate(txId, writes, committed);
            // The application's reason travels in the vote and the log: clipped like a peer's.
            return r.ok() ? Event.Verdict.OK : Event.Verdict.no(Limits.clip(r.message(), Limits.REASON_CHARS_MAX));
        } catch (RuntimeException e) {
            log.warn("{} tx {} prepare validator failed; voting NO", participantId, txId, e);
            return Event.Verdict.no("validator failed: " + e);
        }
    }

    /** A failure of the core is Unavailable on the wire, with its message. */
    private static <T extends Reply> T expect(Reply r, Class<T> type) throws Unavailable {
        if (type.isInstance(r)) return type.cast(r);
        if (r instanceof Reply.Failed f) {
            throw new Unavailable((f.reason() == null ? "" : f.reason() + ": ") + f.message());
        }
        throw new IllegalStateException("unexpected reply " + r);
    }


}
