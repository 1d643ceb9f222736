package dev.pledge.participant.runtime;

import dev.pledge.core.TxId;
import dev.pledge.rpc.RpcCaller;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Ack;
import dev.pledge.wire.DecisionItem;
import dev.pledge.wire.ExchangeRequest;
import dev.pledge.wire.ExchangeResponse;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PrepareItem;
import dev.pledge.wire.PrepareResponse;
import java.util.List;
import org.apache.thrift.TException;

/** The participant's one protocol call, exchange, as a coordinator sends it; and each phase of one transaction alone. */
final class PhaseCalls {
    private static final Participant.Client.Factory FACTORY = new Participant.Client.Factory();

    private PhaseCalls() {}

    /** Phase one of {@code tx}, whose only participant is "A". */
    static PrepareResponse prepare(RpcCaller client, TxId tx, long incarnation, long deadlineMs) throws TException {
        PrepareItem item = new PrepareItem(Wire.toWire(tx), List.of("A"), incarnation);
        return exchange(client, List.of(item), List.of(), deadlineMs).getVotes().get(0);
    }

    static Ack decide(RpcCaller client, TxId tx, boolean commit, long deadlineMs) throws TException {
        DecisionItem item = new DecisionItem(Wire.toWire(tx), commit);
        return exchange(client, List.of(), List.of(item), deadlineMs).getAcks().get(0);
    }

    static ExchangeResponse exchange(RpcCaller client, List<PrepareItem> prepares, List<DecisionItem> decisions,
                                     long deadlineMs) throws TException {
        return client.call(Services.PARTICIPANT, FACTORY,
                (c, ms) -> c.exchange(new ExchangeRequest(ms, prepares, decisions)), deadlineMs);
    }
}
