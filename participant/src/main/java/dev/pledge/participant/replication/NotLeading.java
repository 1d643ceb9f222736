package dev.pledge.participant.replication;

import dev.pledge.wire.Admin;
import dev.pledge.wire.ExchangeRequest;
import dev.pledge.wire.ExchangeResponse;
import dev.pledge.wire.InDoubtBranch;
import dev.pledge.wire.InDoubtRequest;
import dev.pledge.wire.Kv;
import dev.pledge.wire.KvGetResponse;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PeerStateRequest;
import dev.pledge.wire.PeerStateResponse;
import dev.pledge.wire.PingResponse;
import dev.pledge.wire.RecoverRequest;
import dev.pledge.wire.ResolveRequest;
import dev.pledge.wire.ResolveResponse;
import dev.pledge.wire.StatsResponse;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.TxId;
import dev.pledge.wire.Unavailable;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Supplier;

/**
 * The participant's services on a replica that does not lead its shard: every call is refused with
 * {@code Unavailable} naming the leader's Thrift address when this replica knows it, and nothing is
 * read or decided here. Ping still names the participant (clients learn ids that way), with
 * incarnation 0: no core runs here.
 */
final class NotLeading implements Participant.Iface, Kv.Iface, Admin.Iface {
    private final String participantId;
    private final Supplier<Unavailable> refusal;

    NotLeading(String participantId, Supplier<Unavailable> refusal) {
        this.participantId = participantId;
        this.refusal = refusal;
    }

    @Override
    public ExchangeResponse exchange(ExchangeRequest request) throws Unavailable {
        throw refusal.get();
    }

    @Override
    public PeerStateResponse peerState(PeerStateRequest request) throws Unavailable {
        throw refusal.get();
    }

    @Override
    public List<TxId> recoverPrepared(RecoverRequest request) throws Unavailable {
        throw refusal.get();
    }

    @Override
    public PingResponse ping() {
        return new PingResponse(participantId, 0);
    }

    @Override
    public KvGetResponse get(TxContext ctx, ByteBuffer key) throws Unavailable {
        throw refusal.get();
    }

    @Override
    public void put(TxContext ctx, ByteBuffer key, ByteBuffer value) throws Unavailable {
        throw refusal.get();
    }

    @Override
    public void remove(TxContext ctx, ByteBuffer key) throws Unavailable {
        throw refusal.get();
    }

    @Override
    public List<InDoubtBranch> listInDoubt(InDoubtRequest request) throws Unavailable {
        throw refusal.get();
    }

    @Override
    public ResolveResponse resolve(ResolveRequest request) throws Unavailable {
        throw refusal.get();
    }

    @Override
    public StatsResponse stats() throws Unavailable {
        throw refusal.get();
    }
}
