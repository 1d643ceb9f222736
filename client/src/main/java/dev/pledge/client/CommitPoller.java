package dev.pledge.client;

import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.rpc.RpcException;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.CommitRequest;
import dev.pledge.wire.NotAllowed;
import dev.pledge.wire.Outcome;
import dev.pledge.wire.StatusRequest;
import dev.pledge.wire.StatusResponse;
import dev.pledge.wire.Unavailable;
import java.util.ArrayList;
import java.util.List;
import org.apache.thrift.TException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns the outcome of a commit without ever guessing it. Sends commit (idempotent) to the
 * transaction's own coordinator until it has it, then polls status while it is PREPARING, until
 * the transaction's deadline plus the grace period; then the outcome is in doubt.
 *
 * <p>When that coordinator has forgotten the transaction or cannot be reached, every coordinator
 * (the others first, then it again) is asked status with the participants' ids and answers from
 * their durable votes, changing nothing. Only COMMITTED or ABORTED is taken from them; anything
 * else and the polling goes on. A coordinator lost after the votes thus costs the client the few
 * seconds the participants need to commit by themselves; one lost before them, the transaction's
 * deadline, at which the unprepared participants abort.
 */
final class CommitPoller implements CommitRounds.Commit {
    private static final Logger log = LoggerFactory.getLogger(CommitPoller.class);

    private final PledgeClient client;
    private final Transaction tx;
    private final TxId id;
    private final dev.pledge.wire.TxId wireId;
    private final CoordinatorClient issuer;
    private final CommitRounds rounds;
    /** Round state, handed from round to round (by the caller's thread, or through the async driver's hand-offs). */
    private boolean issuerHasCommit;
    private Exception last;

    CommitPoller(PledgeClient client, Transaction tx) {
        this.client = client;
        this.tx = tx;
        this.id = tx.id();
        this.wireId = Wire.toWire(id);
        this.issuer = tx.issuer();
        this.rounds = new CommitRounds(client, tx.deadlineAtMs() + client.commitGraceMs());
    }

    CommitResult run() throws InDoubtException, TException {
        return CommitRounds.run(this);
    }

    @Override
    public CommitRounds rounds() {
        return rounds;
    }

    /** One round: commit (until the issuer has it) or status, and other coordinators when the issuer cannot tell. */
    @Override
    public CommitResult round(long remainingMs) throws InDoubtException, TException {
        boolean askOthers;
        try {
            TxState state;
            if (!issuerHasCommit) {
                Outcome o = commit(remainingMs);
                state = Wire.fromWire(o.getState());
                if (StatusInquiry.decided(state)) return Outcomes.fromOutcome(o);
            } else {
                StatusResponse s = status(remainingMs);
                state = Wire.fromWire(s.getState());
                if (StatusInquiry.decided(state)) return Outcomes.fromStatus(s);
            }
            if (state == TxState.FORGOTTEN && !canAskOthers()) {
                throw new InDoubtException(id, "the coordinator has forgotten the outcome", null);
            }
            // ACTIVE means the commit never arrived (or the coordinator restarted): send it again.
            issuerHasCommit = state == TxState.PREPARING || state == TxState.FORGOTTEN;
            askOthers = state == TxState.FORGOTTEN;
        } catch (NotAllowed e) {
            throw new IllegalStateException("cannot commit " + id + ": " + e.getMessage(), e);
        } catch (RpcException | Unavailable e) {
            last = e;
            // An inquiry changes nothing at the participants, so it need not wait for the deadline:
            // a coordinator lost after the votes leaves them to commit by themselves within seconds.
            askOthers = canAskOthers();
        }
        if (askOthers) {
            StatusResponse decided = askOthers(rounds.remainingMs());
            if (decided != null) return Outcomes.fromStatus(decided);
        }
        return null;
    }

    @Override
    public InDoubtException giveUp() {
        return new InDoubtException(id, "no decision by the transaction deadline plus "
                + client.commitGraceMs() + " ms grace", last);
    }

    @Override
    public InDoubtException stopped(String why, Throwable cause) {
        return new InDoubtException(id, why, cause);
    }

    /** Whether any coordinator can be asked from the votes: it needs the participant ids, so some participant was called. */
    private boolean canAskOthers() {
        return tx.calledParticipants();
    }

    private Outcome commit(long remainingMs) throws TException {
        return issuer.call((c, attemptMs) -> c.commit(new CommitRequest(Deadlines.forRequest(attemptMs), wireId)),
                remainingMs);
    }

    private StatusResponse status(long remainingMs) throws TException {
        return issuer.call((c, attemptMs) -> c.status(new StatusRequest(Deadlines.forRequest(attemptMs), wireId)),
                Math.min(remainingMs, client.rpcTimeoutMs()));
    }

    /** A COMMITTED or ABORTED answer of another coordinator, or null (undecided, unknown, unreachable). */
    private StatusResponse askOthers(long remainingMs) {
        long timeoutMs = Math.min(remainingMs, client.rpcTimeoutMs());
        if (timeoutMs <= 0) return null;
        try {
            // The issuer last: it is unreachable or forgot, but one restarted on an empty disk answers from the votes too.
            List<CoordinatorClient> order = new ArrayList<>(client.coordinators().others(issuer));
            order.add(issuer);
            StatusResponse s = new StatusInquiry(client.time(), id, tx.participantIds(timeoutMs))
                    .ask(order, null, timeoutMs);
            if (!StatusInquiry.decided(Wire.fromWire(s.getState()))) return null;
            log.info("pledge-client tx {} outcome {} learned from another coordinator ({} is unreachable or forgot it)",
                    id, s.getState(), issuer);
            return s;
        } catch (TException e) {
            log.debug("pledge-client tx {} no other coordinator could tell its outcome yet: {}", id, e.toString());
            return null;
        }
    }
}
