package dev.pledge.coordinator.runtime;

import dev.pledge.core.TxId;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcServer;
import dev.pledge.rpc.RpcServerConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Ack;
import dev.pledge.wire.BranchState;
import dev.pledge.wire.DecisionItem;
import dev.pledge.wire.ExchangeRequest;
import dev.pledge.wire.ExchangeResponse;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PeerStateRequest;
import dev.pledge.wire.PeerStateResponse;
import dev.pledge.wire.PingResponse;
import dev.pledge.wire.PrepareItem;
import dev.pledge.wire.PrepareResponse;
import dev.pledge.wire.Unavailable;
import dev.pledge.wire.Vote;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.thrift.TMultiplexedProcessor;

/**
 * A participant that answers as scripted and records every item of every exchange as a call of its
 * own ("prepare", "commitOnePhase", "commit", "abort", "peerState"), served over real Thrift.
 */
final class ScriptedParticipant implements Participant.Iface, AutoCloseable {
    record Call(String method, TxId txId) {}

    final List<Call> calls = new CopyOnWriteArrayList<>();
    /** The items of each exchange request, in the order they came: which ones shared a call. */
    final List<List<Call>> exchanges = new CopyOnWriteArrayList<>();
    volatile Vote vote = Vote.YES;
    volatile String noMessage = "course full";
    /** While true, commit and abort answer Unavailable (the participant is "down" for phase two). */
    volatile boolean refusePhaseTwo;
    /** prepare waits for this latch before answering (starts open). */
    volatile java.util.concurrent.CountDownLatch prepareGate = new java.util.concurrent.CountDownLatch(0);
    /** commit and abort wait for this latch before answering (starts open). */
    volatile java.util.concurrent.CountDownLatch phaseTwoGate = new java.util.concurrent.CountDownLatch(0);
    /** commit and abort calls waiting at {@link #phaseTwoGate} right now. */
    final java.util.concurrent.atomic.AtomicInteger phaseTwoWaiting = new java.util.concurrent.atomic.AtomicInteger();
    private final RpcServer server;

    ScriptedParticipant() throws IOException {
        TMultiplexedProcessor processor = new TMultiplexedProcessor();
        processor.registerProcessor(Services.PARTICIPANT, new Participant.Processor<>(this));
        server = RpcServer.start(RpcServerConfig.defaults("127.0.0.1", 0), processor);
    }

    Endpoint endpoint() {
        return new Endpoint("127.0.0.1", server.port());
    }

    long count(String method, TxId txId) {
        return calls.stream().filter(c -> c.method().equals(method) && c.txId().equals(txId)).count();
    }

    /** Items behave as if sent one by one (the scripted answers are per item). */
    @Override
    public ExchangeResponse exchange(ExchangeRequest request) throws Unavailable {
        List<Call> items = new java.util.ArrayList<>();
        for (PrepareItem item : request.getPrepares()) {
            items.add(new Call(item.isOnePhase() ? "commitOnePhase" : "prepare", Wire.fromWire(item.getTxId())));
        }
        for (DecisionItem item : request.getDecisions()) {
            items.add(new Call(item.isCommit() ? "commit" : "abort", Wire.fromWire(item.getTxId())));
        }
        exchanges.add(items);
        List<PrepareResponse> votes = new java.util.ArrayList<>();
        for (PrepareItem item : request.getPrepares()) votes.add(item.isOnePhase() ? commitOnePhase(item) : prepare(item));
        List<Ack> acks = new java.util.ArrayList<>();
        for (DecisionItem item : request.getDecisions()) {
            acks.add(item.isCommit() ? phaseTwo("commit", item, BranchState.COMMITTED)
                    : phaseTwo("abort", item, BranchState.ABORTED));
        }
        return new ExchangeResponse(votes, acks);
    }

    private PrepareResponse prepare(PrepareItem item) throws Unavailable {
        calls.add(new Call("prepare", Wire.fromWire(item.getTxId())));
        try {
            prepareGate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        }
        PrepareResponse r = new PrepareResponse(vote);
        if (vote == Vote.NO) r.setReason(dev.pledge.wire.AbortReason.VALIDATION_FAILED).setMessage(noMessage);
        return r;
    }

    private PrepareResponse commitOnePhase(PrepareItem item) {
        calls.add(new Call("commitOnePhase", Wire.fromWire(item.getTxId())));
        boolean commits = vote != Vote.NO;
        return new PrepareResponse(commits ? Vote.YES : Vote.NO)
                .setOnePhaseState(commits ? BranchState.COMMITTED : BranchState.ABORTED);
    }

    private Ack phaseTwo(String method, DecisionItem item, BranchState state) throws Unavailable {
        if (refusePhaseTwo) throw new Unavailable("scripted: down");
        calls.add(new Call(method, Wire.fromWire(item.getTxId())));
        phaseTwoWaiting.incrementAndGet();
        try {
            phaseTwoGate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        } finally {
            phaseTwoWaiting.decrementAndGet();
        }
        return new Ack(state);
    }

    @Override
    public PeerStateResponse peerState(PeerStateRequest request) {
        calls.add(new Call("peerState", Wire.fromWire(request.getTxId())));
        return new PeerStateResponse(BranchState.ABORTED);
    }

    @Override
    public List<dev.pledge.wire.TxId> recoverPrepared(dev.pledge.wire.RecoverRequest request) {
        return List.of();
    }

    @Override
    public PingResponse ping() {
        return new PingResponse("scripted", 1);
    }

    @Override
    public void close() {
        server.close();
    }
}
