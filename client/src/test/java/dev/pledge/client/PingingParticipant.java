package dev.pledge.client;

import dev.pledge.wire.ExchangeRequest;
import dev.pledge.wire.ExchangeResponse;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PeerStateRequest;
import dev.pledge.wire.PeerStateResponse;
import dev.pledge.wire.PingResponse;
import dev.pledge.wire.RecoverRequest;
import dev.pledge.wire.TxId;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The protocol side of a test participant: it only answers ping, with its node id, and counts the pings. */
final class PingingParticipant implements Participant.Iface {
    final String nodeId;
    final AtomicInteger pings = new AtomicInteger();

    PingingParticipant(String nodeId) {
        this.nodeId = nodeId;
    }

    @Override
    public PingResponse ping() {
        pings.incrementAndGet();
        return new PingResponse(nodeId, 1);
    }

    @Override
    public ExchangeResponse exchange(ExchangeRequest request) {
        throw new UnsupportedOperationException("not in this test");
    }

    @Override
    public PeerStateResponse peerState(PeerStateRequest request) {
        throw new UnsupportedOperationException("not in this test");
    }

    @Override
    public List<TxId> recoverPrepared(RecoverRequest request) {
        throw new UnsupportedOperationException("not in this test");
    }
}
