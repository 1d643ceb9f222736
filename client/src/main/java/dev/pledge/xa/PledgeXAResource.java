package dev.pledge.xa;

import dev.pledge.core.AbortReason;
import dev.pledge.core.BranchState;
import dev.pledge.core.Check;
import dev.pledge.core.TxId;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.RpcException;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.ThriftCall;
import dev.pledge.runtime.Clock;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Ack;
import dev.pledge.wire.DecisionItem;
import dev.pledge.wire.ExchangeRequest;
import dev.pledge.wire.ExchangeResponse;
import dev.pledge.wire.KvWrite;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PrepareItem;
import dev.pledge.wire.PrepareResponse;
import dev.pledge.wire.RecoverRequest;
import dev.pledge.wire.Unavailable;
import dev.pledge.tls.ExpectedServer;
import dev.pledge.tls.Role;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.apache.thrift.TException;
import org.apache.thrift.transport.TTransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Pledge participant as an XA resource: any JTA transaction manager can enlist it beside other
 * resources. Writes ({@link #put}, {@link #delete}) are buffered here per branch and shipped whole
 * with prepare, where the participant locks, validates and makes PREPARED durable in one step (or
 * with a one-phase commit). The branch's TxId spells out its Xid ({@link XaIds}), so the
 * participant never asks a Pledge coordinator about it: an in-doubt branch waits for this
 * manager's commit or rollback, and {@link #recover} lists it, across restarts of either side.
 *
 * <p>Create one per participant and share it between threads and transactions: two resources for
 * the same endpoint are the same resource manager ({@link #isSameRM}), and a manager that joins
 * them expects one to hold the other's branch. Close it to release its connections.
 */
public final class PledgeXAResource implements XAResource, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PledgeXAResource.class);
    private static final Participant.Client.Factory PARTICIPANT = new Participant.Client.Factory();
    public static final Duration CALL_DEADLINE_DEFAULT = Duration.ofSeconds(10);
    /** Put a limit on everything: branches started and not yet prepared or rolled back. */
    static final int OPEN_BRANCHES_MAX = 100_000;

    private final String participantId;
    private final RpcClient rpc;
    private final Clock time;
    private final long callDeadlineMs;
    private final Map<TxId, BufferedBranch> branches = new ConcurrentHashMap<>();
    /** Which branch each thread works on between start and end. */
    private final Map<Thread, BufferedBranch> associations = new ConcurrentHashMap<>();
    private final AtomicBoolean recoveryScanOpen = new AtomicBoolean();
    private volatile int transactionTimeoutS;
    /**
     * One per connection of the RPC pool: more concurrent calls wait for one (within the call
     * deadline) rather than opening connections the participant would close beyond its workers
     * (64 by default). An application with 128 threads committing at once through one resource
     * otherwise saw connections closed, the circuit breaker open and a quarter of its
     * transactions roll back.
     */
    private final Semaphore callSlots;

    /** A resource for the participant {@code participantId} listening at {@code endpoint}, with default RPC settings. */
    public PledgeXAResource(String participantId, Endpoint endpoint) {
        this(participantId, endpoint, RpcClientConfig.defaults(), CALL_DEADLINE_DEFAULT);
    }

    /**
     * {@code callDeadline} bounds each call to the participant, retries and the wait for a free
     * connection included; at most {@code config.poolSize()} calls are in flight at once.
     */
    public PledgeXAResource(String participantId, Endpoint endpoint, RpcClientConfig config, Duration callDeadline) {
        this(participantId, endpoint, config, callDeadline, Clock.system());
    }

    PledgeXAResource(String participantId, Endpoint endpoint, RpcClientConfig config, Duration callDeadline, Clock time) {
        Check.notNull(participantId, "participantId");
        Check.argument(!participantId.isBlank(), "participantId is blank");
        Check.notNull(callDeadline, "callDeadline");
        Check.argument(!callDeadline.isNegative() && !callDeadline.isZero(), "callDeadline must be > 0, was %s", callDeadline);
        this.participantId = participantId;
        this.time = Check.notNull(time, "time");
        Check.notNull(config, "config");
        this.rpc = new RpcClient(Check.notNull(endpoint, "endpoint"),
                ExpectedServer.dialling(config, Role.PARTICIPANT, participantId), time,
                new Random(new SecureRandom().nextLong()));
        this.callDeadlineMs = callDeadline.toMillis();
        this.callSlots = new Semaphore(Math.max(1, config.poolSize()), true);
    }

    public String participantId() {
        return participantId;
    }

    public Endpoint endpoint() {
        return rpc.endpoint();
    }

    // ---------------------------------------------------------------------------------------------
    // Writes

    /** Buffers a put in the branch this thread works on (between start and end). */
    public void put(byte[] key, byte[] value) {
        Check.notNull(value, "value");
        associated().write(key, value);
    }

    /** Buffers a delete in the branch this thread works on (between start and end). */
    public void delete(byte[] key) {
        associated().write(key, null);
    }

    /** Buffers a put in the branch {@code xid}, whichever thread works on it. */
    public void put(Xid xid, byte[] key, byte[] value) throws XAException {
        Check.notNull(value, "value");
        open(xid).write(key, value);
    }

    /** Buffers a delete in the branch {@code xid}, whichever thread works on it. */
    public void delete(Xid xid, byte[] key) throws XAException {
        open(xid).write(key, null);
    }

    private BufferedBranch associated() {
        BufferedBranch branch = associations.get(Thread.currentThread());
        if (branch == null) {
            throw new IllegalStateException("no XA branch of " + participantId + " is associated with this thread: "
                    + "write between start and end (enlist the resource in the transaction first)");
        }
        return branch;
    }

    private BufferedBranch open(Xid xid) throws XAException {
        TxId txId = txId(xid);
        BufferedBranch branch = branches.get(txId);
        if (branch == null) throw XaErrors.of(XAException.XAER_NOTA, "no open branch " + txId + " at " + participantId);
        return branch;
    }

    // ---------------------------------------------------------------------------------------------
    // Association

    @Override
    public void start(Xid xid, int flags) throws XAException {
        TxId txId = txId(xid);
        Thread me = Thread.currentThread();
        if (associations.containsKey(me)) {
            throw XaErrors.of(XAException.XAER_PROTO, "this thread already works on branch "
                    + associations.get(me).txId() + " at " + participantId + "; end it first");
        }
        BufferedBranch branch;
        switch (flags) {
            case TMNOFLAGS -> {
                if (branches.size() >= OPEN_BRANCHES_MAX) {
                    throw XaErrors.of(XAException.XAER_RMERR, participantId + " already has " + OPEN_BRANCHES_MAX
                            + " open branches; finish some first");
                }
                branch = new BufferedBranch(txId, time.nowMs(), TimeUnit.SECONDS.toMillis(transactionTimeoutS));
                if (branches.putIfAbsent(txId, branch) != null) {
                    throw XaErrors.of(XAException.XAER_DUPID, "branch " + txId + " already started at " + participantId);
                }
            }
            case TMJOIN, TMRESUME -> {
                branch = branches.get(txId);
                if (branch == null) {
                    throw XaErrors.of(XAException.XAER_NOTA, "no open branch " + txId + " at " + participantId
                            + " to " + (flags == TMJOIN ? "join" : "resume")
                            + " (was it started on another PledgeXAResource for the same participant? share one)");
                }
                if (flags == TMRESUME && !branch.isSuspended()) {
                    throw XaErrors.of(XAException.XAER_PROTO, "branch " + txId + " at " + participantId + " is not suspended");
                }
                branch.suspended(false);
            }
            default -> throw XaErrors.of(XAException.XAER_INVAL, "start flags must be TMNOFLAGS, TMJOIN or TMRESUME, were " + flags);
        }
        associations.put(me, branch);
        log.debug("{} tx {} started (flags {})", participantId, txId, flags);
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        TxId txId = txId(xid);
        if (flags != TMSUCCESS && flags != TMFAIL && flags != TMSUSPEND) {
            throw XaErrors.of(XAException.XAER_INVAL, "end flags must be TMSUCCESS, TMFAIL or TMSUSPEND, were " + flags);
        }
        BufferedBranch branch = branches.get(txId);
        if (branch == null) throw XaErrors.of(XAException.XAER_NOTA, "no open branch " + txId + " at " + participantId);
        // A manager may end a branch from another thread (e.g. its timeout reaper): release every thread.
        associations.values().removeIf(b -> b == branch);
        if (flags == TMSUSPEND) branch.suspended(true);
        if (flags == TMFAIL) branch.markRollbackOnly("the transaction manager ended the branch with TMFAIL");
        log.debug("{} tx {} ended (flags {})", participantId, txId, flags);
    }

    // ---------------------------------------------------------------------------------------------
    // Completion

    @Override
    public int prepare(Xid xid) throws XAException {
        TxId txId = txId(xid);
        List<KvWrite> writes = shipIdle(txId, "prepare");
        if (writes.isEmpty()) {
            log.debug("{} tx {} ACTIVE -> READ_ONLY (no writes; nothing sent)", participantId, txId);
            return XA_RDONLY;
        }
        PrepareResponse vote = prepareItem("prepare", txId,
                new PrepareItem(Wire.toWire(txId), List.of(participantId), 0).setWrites(writes));
        switch (vote.getVote()) {
            case YES:
                log.debug("{} tx {} ACTIVE -> PREPARED ({} writes)", participantId, txId, writes.size());
                return XA_OK;
            case READ_ONLY:
                return XA_RDONLY;
            default:
                AbortReason reason = vote.getReason() == null ? null : Wire.fromWire(vote.getReason());
                String message = participantId + " voted NO on " + txId + " (" + reason + "): " + vote.getMessage();
                log.debug("{} tx {} ACTIVE -> ABORTED ({})", participantId, txId, message);
                throw XaErrors.of(XaErrors.rollbackCode(reason), message);
        }
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        TxId txId = txId(xid);
        if (!onePhase) {
            if (branches.containsKey(txId)) {
                throw XaErrors.of(XAException.XAER_PROTO, "commit of " + txId + " at " + participantId + ", which was never prepared");
            }
            decide(txId, true);
            return;
        }
        List<KvWrite> writes = shipIdle(txId, "one-phase commit");
        if (writes.isEmpty()) return;
        PrepareResponse answer = prepareItem("one-phase commit", txId,
                new PrepareItem(Wire.toWire(txId), List.of(participantId), 0).setWrites(writes).setOnePhase(true));
        BranchState state = answer.getOnePhaseState() == null ? BranchState.UNKNOWN : Wire.fromWire(answer.getOnePhaseState());
        if (state == BranchState.ABORTED) {
            AbortReason reason = answer.getReason() == null ? null : Wire.fromWire(answer.getReason());
            throw XaErrors.of(XaErrors.rollbackCode(reason), participantId + " rolled back the one-phase commit of "
                    + txId + " (" + reason + "): " + answer.getMessage());
        }
        if (state == BranchState.UNKNOWN) {
            // The participant did not decide within the call: the manager may ask again later.
            throw XaErrors.of(XAException.XAER_RMFAIL, participantId + " did not decide the one-phase commit of "
                    + txId + ": " + answer.getMessage());
        }
        throwIfNotAsTold(state, true, txId);
        log.debug("{} tx {} ACTIVE -> COMMITTED (one phase, {} writes)", participantId, txId, writes.size());
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        TxId txId = txId(xid);
        BufferedBranch local = branches.remove(txId);
        if (local != null) {
            // Never shipped: the participant has never heard of it.
            associations.values().removeIf(b -> b == local);
            log.debug("{} tx {} ACTIVE -> ABORTED (rolled back before prepare; nothing sent)", participantId, txId);
            return;
        }
        decide(txId, false);
    }

    @Override
    public void forget(Xid xid) throws XAException {
        // Heuristic outcomes stay listed at the participant for its operators (Admin.listInDoubt).
        txId(xid);
    }

    private void decide(TxId txId, boolean commit) throws XAException {
        List<Ack> acks = exchange(commit ? "commit" : "rollback", txId, List.of(),
                List.of(new DecisionItem(Wire.toWire(txId), commit))).getAcks();
        if (acks == null || acks.size() != 1) {
            throw XaErrors.of(XAException.XAER_RMERR, participantId + " answered the decision on " + txId + " with " + acks);
        }
        throwIfNotAsTold(ackState(acks.get(0), txId), commit, txId);
        log.debug("{} tx {} PREPARED -> {}", participantId, txId, commit ? "COMMITTED" : "ABORTED");
    }

    /** Phase one, or a one-phase commit, of this branch alone: one exchange call with one prepare item. */
    private PrepareResponse prepareItem(String what, TxId txId, PrepareItem item) throws XAException {
        List<PrepareResponse> votes = exchange(what, txId, List.of(item), List.of()).getVotes();
        if (votes == null || votes.size() != 1 || votes.get(0) == null || votes.get(0).getVote() == null) {
            throw XaErrors.of(XAException.XAER_RMERR, participantId + " answered " + what + " of " + txId + " with " + votes);
        }
        return votes.get(0);
    }

    /** The participant's one protocol call, for both phases. */
    private ExchangeResponse exchange(String what, TxId txId, List<PrepareItem> prepares, List<DecisionItem> decisions)
            throws XAException {
        return call(what, txId, (client, remainingMs) -> client.exchange(new ExchangeRequest(remainingMs, prepares, decisions)));
    }

    private BranchState ackState(Ack ack, TxId txId) throws XAException {
        if (ack == null || ack.getState() == null) {
            throw XaErrors.of(XAException.XAER_RMERR, participantId + " acknowledged " + txId + " without a known state");
        }
        return Wire.fromWire(ack.getState());
    }

    private void throwIfNotAsTold(BranchState state, boolean commit, TxId txId) throws XAException {
        int code = XaErrors.phaseTwoCode(state, commit);
        if (code != XA_OK) {
            throw XaErrors.of(code, participantId + " was told to " + (commit ? "commit " : "roll back ") + txId
                    + " and answered " + state);
        }
    }

    /**
     * Removes the ended branch {@code txId} and takes its writes to ship. A branch that may not
     * commit is rolled back here instead (nothing was sent, so nothing else holds it).
     */
    private List<KvWrite> shipIdle(TxId txId, String what) throws XAException {
        BufferedBranch branch = branches.get(txId);
        if (branch == null) throw XaErrors.of(XAException.XAER_NOTA, "no open branch " + txId + " at " + participantId + " to " + what);
        if (associations.containsValue(branch)) {
            throw XaErrors.of(XAException.XAER_PROTO, what + " of " + txId + " at " + participantId
                    + " while a thread still works on it; end it first");
        }
        if (!branches.remove(txId, branch)) throw XaErrors.of(XAException.XAER_NOTA, "branch " + txId + " finished meanwhile");
        List<KvWrite> writes = branch.ship();
        String failed = branch.rollbackOnlyWhy();
        boolean timedOut = branch.timedOut(time.nowMs());
        if (failed != null || timedOut) {
            String why = failed != null ? failed : "the branch outlived its transaction timeout";
            log.debug("{} tx {} ACTIVE -> ABORTED ({}; nothing sent)", participantId, txId, why);
            throw XaErrors.of(failed != null ? XAException.XA_RBROLLBACK : XAException.XA_RBTIMEOUT,
                    what + " of " + txId + " at " + participantId + " refused: " + why);
        }
        return writes;
    }

    // ---------------------------------------------------------------------------------------------
    // Recovery and settings

    @Override
    public Xid[] recover(int flag) throws XAException {
        if ((flag & ~(TMSTARTRSCAN | TMENDRSCAN)) != 0) {
            throw XaErrors.of(XAException.XAER_INVAL, "recover flags must be TMSTARTRSCAN, TMENDRSCAN, both or TMNOFLAGS, were " + flag);
        }
        boolean starts = (flag & TMSTARTRSCAN) != 0;
        boolean ends = (flag & TMENDRSCAN) != 0;
        if (!starts) {
            if (!recoveryScanOpen.get()) {
                throw XaErrors.of(XAException.XAER_INVAL, "no recovery scan is open at " + participantId + ": start one with TMSTARTRSCAN");
            }
            // The whole list went out with TMSTARTRSCAN; a continued scan has nothing more.
            if (ends) recoveryScanOpen.set(false);
            return new Xid[0];
        }
        List<dev.pledge.wire.TxId> inDoubt = call("recover", null, (client, remainingMs) ->
                client.recoverPrepared(new RecoverRequest(remainingMs, TxId.EXTERNAL_PREFIX)));
        recoveryScanOpen.set(!ends);
        List<Xid> xids = new ArrayList<>();
        for (dev.pledge.wire.TxId wire : inDoubt == null ? List.<dev.pledge.wire.TxId>of() : inDoubt) {
            try {
                xids.add(XaIds.toXid(Wire.fromWire(wire)));
            } catch (IllegalArgumentException e) {
                // Not one of ours (another tool used the prefix): leave it to an operator, list the rest.
                log.warn("{} in-doubt branch {} is not an Xid this resource made; skipped: {}", participantId, wire, e.getMessage());
            }
        }
        log.debug("{} recover listed {} in-doubt XA branches", participantId, xids.size());
        return xids.toArray(new Xid[0]);
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other instanceof PledgeXAResource p && p.endpoint().equals(endpoint());
    }

    /** Branches started from now on are rolled back at prepare once older than this; 0 = no limit. */
    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        if (seconds < 0) throw XaErrors.of(XAException.XAER_INVAL, "transaction timeout must be >= 0 s, was " + seconds);
        transactionTimeoutS = seconds;
        return true;
    }

    @Override
    public int getTransactionTimeout() {
        return transactionTimeoutS;
    }

    @Override
    public void close() {
        rpc.close();
    }

    @Override
    public String toString() {
        return "PledgeXAResource[" + participantId + " at " + endpoint() + "]";
    }

    // ---------------------------------------------------------------------------------------------

    private static TxId txId(Xid xid) throws XAException {
        try {
            return XaIds.toTxId(xid);
        } catch (IllegalArgumentException e) {
            throw XaErrors.of(XAException.XAER_INVAL, "malformed Xid: " + e.getMessage(), e);
        }
    }

    /** One call to the participant; unreachable is XAER_RMFAIL (the manager retries), anything else XAER_RMERR. */
    private <R> R call(String what, TxId txId, ThriftCall<Participant.Client, R> call) throws XAException {
        String doing = what + (txId == null ? "" : " of " + txId);
        long startMs = time.nowMs();
        try {
            if (!callSlots.tryAcquire(callDeadlineMs, TimeUnit.MILLISECONDS)) {
                throw XaErrors.of(XAException.XAER_RMFAIL, participantId + " at " + endpoint() + " busy for " + doing
                        + ": every connection was in use for " + callDeadlineMs + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw XaErrors.of(XAException.XAER_RMFAIL, "interrupted waiting for a connection to " + participantId + " for " + doing);
        }
        try {
            long leftMs = Math.max(1, callDeadlineMs - (time.nowMs() - startMs));
            return rpc.call(Services.PARTICIPANT, PARTICIPANT, call, leftMs);
        } catch (RpcException | TTransportException | Unavailable e) {
            throw XaErrors.of(XAException.XAER_RMFAIL, participantId + " at " + endpoint() + " unreachable for " + doing
                    + ": " + e.getMessage(), e);
        } catch (TException | RuntimeException e) {
            throw XaErrors.of(XAException.XAER_RMERR, participantId + " at " + endpoint() + " failed " + doing + ": " + e, e);
        } finally {
            callSlots.release();
        }
    }
}
