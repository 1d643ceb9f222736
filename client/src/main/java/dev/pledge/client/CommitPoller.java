package dev.pledge.client;

import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.rpc.RpcException;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.CommitRequest;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.NotAllowed;
import dev.pledge.wire.Outcome;
import dev.pledge.wire.StatusRequest;
import dev.pledge.wire.StatusResponse;
import dev.pledge.wire.Unavailable;
import org.apache.thrift.TException;

/**
 * Learns the outcome of a commit without ever guessing it. Sends commit (idempotent) until the
 * coordinator has it, then polls status while it is PREPARING, until the transaction's deadline
 * plus the grace period; then the outcome is in doubt.
 */
final class CommitPoller {
    private static final Coordinator.Client.Factory COORDINATOR = new Coordinator.Client.Factory();

    private final PledgeClient client;
    private final TxId id;
    private final dev.pledge.wire.TxId wireId;
    private final CommitRounds rounds;

    CommitPoller(PledgeClient client, TxId id, long txDeadlineAtMs) {
        this.client = client;
        this.id = id;
        this.wireId = Wire.toWire(id);
        this.rounds = new CommitRounds(client, txDeadlineAtMs + client.commitGraceMs());
    }

    CommitResult run() throws InDoubtException, TException {
        boolean coordinatorHasCommit = false;
        Exception last = null;
        for (int round = 0; round < CommitRounds.ROUNDS_MAX; round++) {
            long remainingMs = rounds.remainingMs();
            if (remainingMs <= 0) break;
            try {
                TxState state;
                if (!coordinatorHasCommit) {
                    Outcome o = commit(remainingMs);
                    state = checkNotForgotten(Wire.fromWire(o.getState()));
                    if (state.isFinal()) return Outcomes.fromOutcome(o);
                } else {
                    StatusResponse s = status(remainingMs);
                    state = checkNotForgotten(Wire.fromWire(s.getState()));
                    if (state.isFinal()) return Outcomes.fromStatus(s);
                }
                // ACTIVE means the commit never arrived (or the coordinator restarted): send it again.
                coordinatorHasCommit = state == TxState.PREPARING;
            } catch (NotAllowed e) {
                throw new IllegalStateException("cannot commit " + id + ": " + e.getMessage(), e);
            } catch (RpcException | Unavailable e) {
                last = e;
            }
            if (!sleep(round)) break;
        }
        throw new InDoubtException(id, "no decision by the transaction deadline plus "
                + client.commitGraceMs() + " ms grace", last);
    }

    private TxState checkNotForgotten(TxState state) throws InDoubtException {
        if (state == TxState.FORGOTTEN) {
            throw new InDoubtException(id, "the coordinator has forgotten the outcome", null);
        }
        return state;
    }

    private Outcome commit(long remainingMs) throws TException {
        return client.coordinator().call(Services.COORDINATOR, COORDINATOR,
                (c, attemptMs) -> c.commit(new CommitRequest(Deadlines.forRequest(attemptMs), wireId)), remainingMs);
    }

    private StatusResponse status(long remainingMs) throws TException {
        return client.coordinator().call(Services.COORDINATOR, COORDINATOR,
                (c, attemptMs) -> c.status(new StatusRequest(Deadlines.forRequest(attemptMs), wireId)),
                Math.min(remainingMs, client.rpcTimeoutMs()));
    }

    /** Backs off before the next round; false if that would pass the give-up time. */
    private boolean sleep(int round) throws InDoubtException {
        try {
            return rounds.pause(round);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InDoubtException(id, "interrupted while waiting for the decision", e);
        }
    }
}
