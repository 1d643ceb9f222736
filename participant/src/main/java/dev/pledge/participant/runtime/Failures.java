package dev.pledge.participant.runtime;

import dev.pledge.participant.protocol.Reply;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.NotAllowed;
import dev.pledge.wire.TxState;
import org.apache.thrift.TException;

/** Turns the core's failure replies into the wire exceptions clients understand. */
public final class Failures {
    private Failures() {}

    public static TException toWire(Reply.Failed f) {
        String message = (f.reason() == null ? "" : f.reason() + ": ") + f.message();
        return switch (f.kind()) {
            case NOT_ALLOWED -> {
                NotAllowed n = new NotAllowed(message);
                if (f.reason() != null) n.setState(TxState.ABORTED);
                yield n;
            }
            case INVALID, UNKNOWN_TRANSACTION -> new InvalidArgument(message);
            case UNAVAILABLE -> CoreGateway.unavailable(message, 50);
        };
    }
}
