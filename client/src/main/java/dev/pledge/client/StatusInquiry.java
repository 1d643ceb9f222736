package dev.pledge.client;

import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.rpc.RpcException;
import dev.pledge.rpc.Wire;
import dev.pledge.runtime.Clock;
import dev.pledge.wire.StatusRequest;
import dev.pledge.wire.StatusResponse;
import dev.pledge.wire.UnknownTransaction;
import java.util.List;
import org.apache.thrift.TException;

/**
 * Asks coordinators what became of one transaction, never guessing. Its own coordinator's answer
 * stands unless it has no record (FORGOTTEN, UnknownTransaction) or cannot be reached. Then, given
 * the transaction's participant ids, any other coordinator answers from what those participants
 * durably voted: a transaction is committed iff every participant voted yes. The ids must include
 * every participant: a missing one could have voted no.
 */
final class StatusInquiry {
    private final Clock time;
    private final TxId id;
    private final dev.pledge.wire.TxId wireId;
    private final List<String> participantIds;

    StatusInquiry(Clock time, TxId id, List<String> participantIds) {
        this.time = time;
        this.id = id;
        this.wireId = Wire.toWire(id);
        this.participantIds = List.copyOf(participantIds);
    }

    static boolean decided(TxState state) {
        return state == TxState.COMMITTED || state == TxState.ABORTED;
    }

    /**
     * Asks each of {@code order} in turn, each within an even share of what is left of
     * {@code timeoutMs}, until one answers COMMITTED or ABORTED; or {@code issuer} (nullable: not
     * known) answers anything but FORGOTTEN; or one answers at all when no participant ids were
     * given (no other coordinator can know more). Else the most telling answer (PREPARING or ACTIVE
     * before FORGOTTEN), else the first failure.
     */
    StatusResponse ask(List<CoordinatorClient> order, CoordinatorClient issuer, long timeoutMs) throws TException {
        long deadlineAtMs = time.nowMs() + timeoutMs;
        StatusResponse best = null;
        TException firstFailure = null;
        for (int i = 0; i < order.size(); i++) {
            long shareMs = (deadlineAtMs - time.nowMs()) / (order.size() - i);
            if (shareMs <= 0) break;
            CoordinatorClient c = order.get(i);
            try {
                StatusResponse s = c.call((client, remainingMs) -> client.status(request(remainingMs)), shareMs);
                TxState state = Wire.fromWire(s.getState());
                if (decided(state) || participantIds.isEmpty()) return s;
                if (c == issuer && state != TxState.FORGOTTEN) return s;
                if (best == null || Wire.fromWire(best.getState()) == TxState.FORGOTTEN) best = s;
            } catch (TException e) {
                if (!(e instanceof UnknownTransaction) && !CoordinatorClient.unreachable(e)) throw e;
                if (firstFailure == null) firstFailure = e;
            }
        }
        if (best != null) return best;
        if (firstFailure != null) throw firstFailure;
        throw new RpcException(RpcException.Kind.DEADLINE_EXCEEDED, "no time left to ask about " + id, null, true);
    }

    private StatusRequest request(long remainingMs) {
        StatusRequest request = new StatusRequest(Deadlines.forRequest(remainingMs), wireId);
        if (!participantIds.isEmpty()) request.setParticipants(participantIds);
        return request;
    }
}
