package dev.pledge.coordinator.runtime;

import dev.pledge.core.TxId;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcServer;
import dev.pledge.rpc.RpcServerConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Ack;
import dev.pledge.wire.BranchState;
import dev.pledge.wire.DecisionRequest;
import dev.pledge.wire.OnePhaseRequest;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PeerStateRequest;
import dev.pledge.wire.PeerStateResponse;
import dev.pledge.wire.PingResponse;
import dev.pledge.wire.PrepareRequest;
import dev.pledge.wire.PrepareResponse;
import dev.pledge.wire.Unavailable;
import dev.pledge.wire.Vote;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.thrift.TMultiplexedProcessor;

/** A participant that answers as scripted and records every call, served over real Thrift. */
final class ScriptedParticipant implements Participant.Iface, AutoCloseable {
    record Call(String method, TxId txId) {}

    final List<Call> calls = new CopyOnWriteArrayList<>();
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

    @Override
    public PrepareResponse prepare(PrepareRequest request) throws Unavailable {
        calls.add(new Call("prepare", Wire.fromWire(request.getTxId())));
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

    @Override
    public Ack commit(DecisionRequest request) throws Unavailable {
        return phaseTwo("commit", request, BranchState.COMMITTED);
    }

    @Override
    public Ack abort(DecisionRequest request) throws Unavailable {
        return phaseTwo("abort", request, BranchState.ABORTED);
    }

    private Ack phaseTwo(String method, DecisionRequest request, BranchState state) throws Unavailable {
        if (refusePhaseTwo) throw new Unavailable("scripted: down");
        calls.add(new Call(method, Wire.fromWire(request.getTxId())));
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
    public Ack commitOnePhase(OnePhaseRequest request) {
        calls.add(new Call("commitOnePhase", Wire.fromWire(request.getTxId())));
        return new Ack(vote == Vote.NO ? BranchState.ABORTED : BranchState.COMMITTED);
    }

    @Override
    public PeerStateResponse peerState(PeerStateRequest request) {
        calls.add(new Call("peerState", Wire.fromWire(request.getTxId())));
        return new PeerStateResponse(BranchState.ABORTED);
    }

    /** Batches behave as their items sent one by one (the scripted answers are per item). */
    @Override
    public dev.pledge.wire.PrepareBatchResponse prepareBatch(dev.pledge.wire.PrepareBatchRequest request)
            throws Unavailable {
        List<PrepareResponse> votes = new java.util.ArrayList<>();
        for (dev.pledge.wire.PrepareItem item : request.getItems()) {
            if (item.isOnePhase()) {
                Ack ack = commitOnePhase(new OnePhaseRequest(request.getDeadlineMs(), item.getTxId(), item.getIncarnation()));
                votes.add(new PrepareResponse(ack.getState() == BranchState.COMMITTED ? Vote.YES : Vote.NO)
                        .setOnePhaseState(ack.getState()));
                continue;
            }
            votes.add(prepare(new PrepareRequest(request.getDeadlineMs(), item.getTxId(), item.getParticipants(),
                    item.getIncarnation())));
        }
        return new dev.pledge.wire.PrepareBatchResponse(votes);
    }

    @Override
    public dev.pledge.wire.DecisionBatchResponse decideBatch(dev.pledge.wire.DecisionBatchRequest request)
            throws Unavailable {
        List<Ack> acks = new java.util.ArrayList<>();
        for (dev.pledge.wire.DecisionItem item : request.getItems()) {
            DecisionRequest one = new DecisionRequest(request.getDeadlineMs(), item.getTxId());
            acks.add(item.isCommit() ? commit(one) : abort(one));
        }
        return new dev.pledge.wire.DecisionBatchResponse(acks);
    }

    @Override
    public dev.pledge.wire.ExchangeResponse exchange(dev.pledge.wire.ExchangeRequest request) throws Unavailable {
        List<PrepareResponse> votes = prepareBatch(new dev.pledge.wire.PrepareBatchRequest(request.getDeadlineMs(),
                request.getPrepares())).getVotes();
        List<Ack> acks = decideBatch(new dev.pledge.wire.DecisionBatchRequest(request.getDeadlineMs(),
                request.getDecisions())).getAcks();
        return new dev.pledge.wire.ExchangeResponse(votes, acks);
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
