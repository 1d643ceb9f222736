package dev.pledge.sim;

import dev.pledge.participant.protocol.Event;
import dev.pledge.participant.protocol.Key;
import dev.pledge.participant.protocol.Reply;
import dev.pledge.participant.protocol.Write;

/**
 * The participant application's handler for one operation, as a runtime thread would run it:
 * BeginOp (a retry gets the cached result), read the key (for update, as TxKv.getForUpdate does,
 * unless the operation only reads), write key + delta, EndOp with the result (OpFailed if a step
 * failed), answer the client. Each core reply resumes it.
 */
final class OpHandler {
    private enum Stage { BEGIN, READ, WRITE }

    private final ParticipantNode node;
    private final java.util.List<Long> answerTokens = new java.util.ArrayList<>();
    private final ClientCall.Op op;
    private Stage stage = Stage.BEGIN;
    private long value;

    OpHandler(ParticipantNode node, Packet request, ClientCall.Op op) {
        this.node = node;
        this.answerTokens.add(node.serve(request));
        this.op = op;
    }

    /** A retry of the same operation arrived while this run is in flight: it gets this run's answer. */
    void join(Packet retry) {
        if (answerTokens.size() < Rpc.PENDING_MAX) answerTokens.add(node.serve(retry));
    }

    void start(World w) {
        node.step(w, new Event.BeginOp(w.nowMs(), node.registerHandler(this), op.txId(), op.opSeq()));
    }

    void onReply(World w, Reply r) {
        if (r instanceof Reply.Failed f) {
            // As BranchExecutor does: an operation that fails after it began tells the core (it may have written).
            if (stage != Stage.BEGIN) node.step(w, new Event.OpFailed(w.nowMs(), op.txId(), op.opSeq()));
            finish(w, ClientCall.OpResult.failed(f.reason(), f.kind() + ": " + f.message()));
            return;
        }
        switch (stage) {
            case BEGIN -> {
                if (r instanceof Reply.Cached c) {
                    finish(w, (ClientCall.OpResult) c.result());
                    return;
                }
                stage = Stage.READ;
                node.step(w, new Event.Access(w.nowMs(), node.registerHandler(this), op.txId(), op.opSeq(),
                        Key.utf8(op.key()), op.read() ? Event.AccessMode.READ : Event.AccessMode.READ_FOR_UPDATE, null));
            }
            case READ -> {
                Reply.Granted g = (Reply.Granted) r;
                value = g.readStore() ? node.readCommitted(op.key()) : ParticipantNode.decode(g.bufferedValue());
                if (op.read()) {
                    end(w);
                    return;
                }
                stage = Stage.WRITE;
                Key key = Key.utf8(op.key());
                node.step(w, new Event.Access(w.nowMs(), node.registerHandler(this), op.txId(), op.opSeq(), key,
                        Event.AccessMode.WRITE, Write.put(key, ParticipantNode.encode(value + op.delta()))));
            }
            case WRITE -> {
                value += op.delta();
                w.checker().onOpApplied(node.id, node.view().incarnation(), op);
                end(w);
            }
        }
    }

    private void end(World w) {
        ClientCall.OpResult result = ClientCall.OpResult.ok(value);
        node.step(w, new Event.EndOp(w.nowMs(), op.txId(), op.opSeq(), result));
        finish(w, result);
    }

    /** The handler thread answers directly: everything it depends on was released after durability. */
    private void finish(World w, ClientCall.OpResult result) {
        node.finished(op, this);
        java.util.List<SimNode.Effect> answers = new java.util.ArrayList<>();
        for (long token : answerTokens) answers.add(node.respond(w, token, result));
        node.release(w, java.util.List.of(), false, answers);
    }

    @Override
    public String toString() {
        return op + "@" + stage;
    }
}
