package dev.pledge.client;

import dev.pledge.core.Check;
import dev.pledge.core.Limits;
import dev.pledge.core.TxId;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcException;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.AbortRequest;
import dev.pledge.wire.NotAllowed;
import dev.pledge.wire.TxContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.thrift.TException;
import org.apache.thrift.TServiceClient;
import org.apache.thrift.TServiceClientFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transaction begun by {@link PledgeClient#begin}. Call participants through {@link #kv} or
 * {@link #call}, then {@link #commit}. Closing it without commit aborts it (best effort).
 *
 * <p>Participant operations throw what the participant answered, unchanged: the wire
 * {@code NotAllowed} (branch aborted, e.g. lock timeout or wait-die), {@code InvalidArgument},
 * {@code Unavailable}; or {@link RpcException} if it could not be reached in time. After any of
 * them the usual course is to close the transaction and begin again.
 *
 * <p>Commit, abort and status go to the coordinator that began the transaction. The transaction
 * remembers every participant endpoint it called (before the call, so none it may have reached is
 * missed): if that coordinator dies, another one can tell the outcome from those participants'
 * votes (see {@link #commit}).
 */
public final class Transaction implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Transaction.class);

    private final PledgeClient client;
    private final TxId id;
    private final dev.pledge.wire.TxId wireId;
    private final CoordinatorClient issuer;
    private final long deadlineAtMs;
    private final AtomicLong opSeq = new AtomicLong();
    /** Every participant endpoint called; at most Limits.PARTICIPANTS_PER_TX_MAX. */
    private final Set<Endpoint> participants = ConcurrentHashMap.newKeySet();
    /** Set once commit or abort has been asked for; close() then has nothing to do. */
    private final AtomicBoolean finished = new AtomicBoolean();

    Transaction(PledgeClient client, TxId id, CoordinatorClient issuer, long deadlineAtMs) {
        this.client = client;
        this.id = id;
        this.wireId = Wire.toWire(id);
        this.issuer = issuer;
        this.deadlineAtMs = deadlineAtMs;
    }

    public TxId id() {
        return id;
    }

    /**
     * The node ids of the participants this transaction called, each asked once per client with
     * ping: what {@link PledgeClient#status(TxId, Collection)} needs after an {@link InDoubtException}.
     *
     * @throws RpcException a participant could not be reached within the client's rpc timeout
     */
    public List<String> participantIds() throws TException {
        return participantIds(client.rpcTimeoutMs());
    }

    List<String> participantIds(long timeoutMs) throws TException {
        long deadlineAtMs = client.time().nowMs() + timeoutMs;
        List<String> ids = new ArrayList<>(participants.size());
        for (Endpoint e : participants) ids.add(client.participants().nodeId(e, deadlineAtMs - client.time().nowMs()));
        Collections.sort(ids);
        return ids;
    }

    boolean calledParticipants() {
        return !participants.isEmpty();
    }

    CoordinatorClient issuer() {
        return issuer;
    }

    long deadlineAtMs() {
        return deadlineAtMs;
    }

    /** Milliseconds until the coordinator may abort this transaction for its deadline. */
    public long remainingMs() {
        return deadlineAtMs - client.time().nowMs();
    }

    /** The Kv service of the participant at {@code endpoint}. */
    public TxKv kv(Endpoint endpoint) {
        return new TxKv(this, Check.notNull(endpoint, "endpoint"));
    }

    /**
     * Calls an application service of a participant as one operation of this transaction. Retries
     * (transport failures, Unavailable) re-send the same opSeq, so the participant applies it once.
     */
    public <C extends TServiceClient, R> R call(Endpoint endpoint, String serviceName, TServiceClientFactory<C> factory,
            TxOp<C, R> op) throws TException {
        Check.notNull(endpoint, "endpoint");
        Check.notNull(op, "op");
        Check.state(!finished.get(), "transaction %s is already committing or aborted", id);
        Check.state(participants.contains(endpoint) || participants.size() < Limits.PARTICIPANTS_PER_TX_MAX,
                "transaction %s would call more than %s participants", id, Limits.PARTICIPANTS_PER_TX_MAX);
        participants.add(endpoint); // before the call: it may reach the participant even if no reply comes
        long seq = opSeq.incrementAndGet();
        long remainingMs = remainingMs();
        if (remainingMs <= 0) {
            throw new RpcException(RpcException.Kind.DEADLINE_EXCEEDED, "transaction " + id + " passed its deadline", null);
        }
        return client.participants().caller(endpoint).call(serviceName, factory,
                (c, attemptRemainingMs) -> op.call(c, new TxContext(wireId, seq, Deadlines.forRequest(attemptRemainingMs))),
                remainingMs);
    }

    /**
     * Commits, and says what really happened: COMMITTED, or ABORTED with the reason. Waits for the
     * decision until the transaction's deadline plus the client's grace period. If the coordinator
     * that began the transaction is unreachable past the deadline, or has forgotten it, the client's
     * other coordinators are asked, with the ids of the participants called; only a COMMITTED or
     * ABORTED they learn from those participants' votes is taken.
     *
     * @throws InDoubtException      no decision could be learned in that time (it may have committed)
     * @throws IllegalStateException the transaction was aborted by this client, or commit was already called
     */
    public CommitResult commit() throws InDoubtException, TException {
        Check.state(finished.compareAndSet(false, true), "transaction %s is already committing or aborted", id);
        return new CommitPoller(client, this).run();
    }

    /**
     * {@link #commit} without blocking this thread: each round (commit, status, asking the other
     * coordinators) is one call on the client's async workers and the pauses between rounds are
     * timer tasks, so thousands can be in flight from one thread. Same rounds, same outcome.
     *
     * <p>Cancelling the future only stops this client from asking: it does not abort the
     * transaction, which ends as its participants' votes decide.
     *
     * @return completes with COMMITTED or ABORTED; exceptionally with {@link InDoubtException}
     *         (also if the client is closed first) or {@link IllegalStateException} (aborted by this
     *         client), or with {@link java.util.concurrent.RejectedExecutionException} at once if
     *         {@code asyncCommitsMax} commits are in flight (then nothing was sent and this may be
     *         committed again)
     * @throws IllegalStateException commit or abort was already called
     */
    public CompletableFuture<CommitResult> commitAsync() {
        Check.state(!finished.get(), "transaction %s is already committing or aborted", id);
        return client.async().start(() -> {
            Check.state(finished.compareAndSet(false, true), "transaction %s is already committing or aborted", id);
            return new CommitPoller(client, this);
        });
    }

    /**
     * Aborts now. Returns the outcome (ABORTED, with CLIENT_REQUESTED or an earlier reason).
     *
     * @throws IllegalStateException the transaction had already committed
     */
    public CommitResult abort() throws TException {
        finished.set(true);
        try {
            return Outcomes.fromOutcome(issuer.call(
                    (c, remainingMs) -> c.abort(new AbortRequest(Deadlines.forRequest(remainingMs), wireId)),
                    client.rpcTimeoutMs()));
        } catch (NotAllowed e) {
            throw new IllegalStateException("cannot abort " + id + ": " + e.getMessage(), e);
        }
    }

    /** Aborts if neither commit nor abort was called; never throws. */
    @Override
    public void close() {
        if (finished.get()) return;
        try {
            abort();
        } catch (Exception e) {
            // Best effort: the coordinator aborts it at its deadline anyway.
            log.warn("tx {} abort on close failed ({}); the coordinator will abort it at its deadline", id, e.toString());
        }
    }
}
