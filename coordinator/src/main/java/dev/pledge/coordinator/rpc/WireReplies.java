package dev.pledge.coordinator.rpc;

import dev.pledge.coordinator.protocol.Reply;
import dev.pledge.core.TxId;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.NotAllowed;
import dev.pledge.wire.Outcome;
import dev.pledge.wire.StatusResponse;
import dev.pledge.wire.Unavailable;
import dev.pledge.wire.UnknownTransaction;
import org.apache.thrift.TException;

/** Core replies to wire answers and exceptions. */
final class WireReplies {
    private WireReplies() {}

    /** Throws the wire exception an error reply stands for; returns quietly otherwise. */
    static void throwIfError(Reply.Value value, TxId txId) throws TException {
        if (!(value instanceof Reply.ErrorReply e)) return;
        switch (e.kind()) {
            case UNKNOWN_TX -> throw new UnknownTransaction(Wire.toWire(txId), e.message());
            case INVALID -> throw new InvalidArgument(e.message());
            case NOT_ALLOWED -> {
                NotAllowed n = new NotAllowed(e.message());
                if (e.state() != null) n.setState(Wire.toWire(e.state()));
                throw n;
            }
            case UNAVAILABLE -> throw new Unavailable(e.message());
        }
    }

    static Outcome outcome(Reply.Value value, TxId txId) throws TException {
        throwIfError(value, txId);
        return outcome(expect(value, Reply.OutcomeReply.class));
    }

    static Outcome outcome(Reply.OutcomeReply o) {
        Outcome out = new Outcome(Wire.toWire(o.state()));
        if (o.reason() != null) out.setReason(Wire.toWire(o.reason()));
        if (o.message() != null) out.setMessage(o.message());
        if (!o.damage().isEmpty()) out.setDamage(o.damage());
        return out;
    }

    static StatusResponse status(Reply.Value value, TxId txId) throws TException {
        throwIfError(value, txId);
        Reply.StatusReply s = expect(value, Reply.StatusReply.class);
        StatusResponse out = new StatusResponse(Wire.toWire(s.state()));
        if (s.reason() != null) out.setReason(Wire.toWire(s.reason()));
        if (s.message() != null) out.setMessage(s.message());
        out.setParticipants(s.participants());
        if (!s.damage().isEmpty()) out.setDamage(s.damage());
        return out;
    }

    static <T extends Reply.Value> T expect(Reply.Value value, Class<T> type) {
        if (!type.isInstance(value)) {
            throw new IllegalStateException("expected " + type.getSimpleName() + " from the core, got " + value);
        }
        return type.cast(value);
    }
}
