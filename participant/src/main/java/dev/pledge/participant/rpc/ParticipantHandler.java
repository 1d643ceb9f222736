package dev.pledge.participant.rpc;

import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.participant.PrepareValidator;
import dev.pledge.participant.protocol.CoreView;
import dev.pledge.participant.protocol.Event;
import dev.pledge.participant.protocol.Reply;
import dev.pledge.participant.runtime.CoreGateway;
import dev.pledge.participant.storage.ParticipantStore;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Ack;
import dev.pledge.wire.DecisionRequest;
import dev.pledge.wire.OnePhaseRequest;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PeerStateRequest;
import dev.pledge.wire.PeerStateResponse;
import dev.pledge.wire.PingResponse;
import dev.pledge.wire.PrepareRequest;
import dev.pledge.wire.PrepareResponse;
import dev.pledge.wire.Unavailable;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The protocol side of a participant over Thrift: translates wire types at the edge and asks the core. */
public final class ParticipantHandler implements Participant.Iface {
    private static final Logger log = LoggerFactory.getLogger(ParticipantHandler.class);

    private final String participantId;
    private final CoreGateway gateway;
    private final PrepareValidator validator;
    private final ParticipantStore store;

    public ParticipantHandler(String participantId, CoreGateway gateway, PrepareValidator validator, ParticipantStore store) {
        this.participantId = participantId;
        this.gateway = gateway;
        this.validator = validator;
        this.store = store;
    }

    @Override
    public PrepareResponse prepare(PrepareRequest req) throws Unavailable {
        TxId txId = txId(req.getTxId());
        List<String> participants = List.copyOf(req.getParticipants());
        Reply r = gateway.ask((token, now, view) -> new Event.Prepare(now, token, txId, participants,
                txId.coordinatorId(), req.getIncarnation(), verdict(txId, view)), req.getDeadlineMs());
        Reply.Voted v = expect(r, Reply.Voted.class);
        PrepareResponse resp = new PrepareResponse(Wire.toWire(v.vote()));
        if (v.reason() != null) resp.setReason(Wire.toWire(v.reason()));
        if (v.message() != null) resp.setMessage(v.message());
        return resp;
    }

    @Override
    public Ack commit(DecisionRequest req) throws Unavailable {
        TxId txId = txId(req.getTxId());
        return ack(gateway.ask((token, now, view) -> new Event.Commit(now, token, txId), req.getDeadlineMs()));
    }

    @Override
    public Ack abort(DecisionRequest req) throws Unavailable {
        TxId txId = txId(req.getTxId());
        return ack(gateway.ask((token, now, view) -> new Event.Abort(now, token, txId), req.getDeadlineMs()));
    }

    @Override
    public Ack commitOnePhase(OnePhaseRequest req) throws Unavailable {
        TxId txId = txId(req.getTxId());
        return ack(gateway.ask((token, now, view) -> new Event.CommitOnePhase(now, token, txId, req.getIncarnation(),
                verdict(txId, view)), req.getDeadlineMs()));
    }

    @Override
    public PeerStateResponse peerState(PeerStateRequest req) throws Unavailable {
        TxId txId = txId(req.getTxId());
        Reply r = gateway.ask((token, now, view) -> new Event.PeerState(now, token, txId, req.getAskingParticipantId()),
                req.getDeadlineMs());
        return new PeerStateResponse(Wire.toWire(expect(r, Reply.PeerAnswer.class).state()));
    }

    @Override
    public PingResponse ping() throws Unavailable {
        return new PingResponse(participantId, gateway.query(CoreView::incarnation, 1_000));
    }

    /** Runs on the core's thread, so the write set cannot change under the validator. */
    private Event.Verdict verdict(TxId txId, CoreView view) {
        if (view.branchState(txId) != BranchState.ACTIVE || view.writeSet(txId).isEmpty()) return Event.Verdict.OK;
        try {
            PrepareValidator.Result r = validator.validate(txId, view.writeSet(txId), store::get);
            return r.ok() ? Event.Verdict.OK : Event.Verdict.no(r.message());
        } catch (RuntimeException e) {
            log.warn("{} tx {} prepare validator failed; voting NO", participantId, txId, e);
            return Event.Verdict.no("validator failed: " + e);
        }
    }

    private static Ack ack(Reply r) throws Unavailable {
        return new Ack(Wire.toWire(expect(r, Reply.Acked.class).state()));
    }

    /** Protocol calls only throw Unavailable on the wire; any other failure is reported as that, with its message. */
    private static <T extends Reply> T expect(Reply r, Class<T> type) throws Unavailable {
        if (type.isInstance(r)) return type.cast(r);
        if (r instanceof Reply.Failed f) {
            throw new Unavailable((f.reason() == null ? "" : f.reason() + ": ") + f.message());
        }
        throw new IllegalStateException("unexpected reply " + r);
    }

    static TxId txId(dev.pledge.wire.TxId wire) throws Unavailable {
        try {
            return Wire.fromWire(wire);
        } catch (RuntimeException e) {
            // The protocol methods declare only Unavailable; a malformed id still gets a clear message.
            throw new Unavailable("bad txId: " + e.getMessage());
        }
    }
}
