package dev.pledge.sim;

import dev.pledge.coordinator.protocol.Reply;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A client running transfers (and now and then an audit that reads every account) the way the SDK
 * does: begin, operations with a fixed opSeq per operation (retries reuse it), then commit, which
 * is resent until the coordinator has it, then status is polled until the deadline plus a grace
 * period; after that the outcome is IN_DOUBT. Every outcome it sees goes to the checker.
 *
 * <p>A share of its transfers are write-only, as BufferedTransaction runs them: both new balances
 * (each with the balance it replaces, checked at prepare) go in one commitWrites request, resent
 * with the same request key while no outcome comes back, until the timeout plus grace or until the
 * client gives up.
 */
final class SimClient {
    static final long TX_TIMEOUT_MS = 1_500;
    static final long COMMIT_GRACE_MS = 1_000;
    private static final long POLL_MS = 40;
    private static final int AUDIT_PERCENT = 15;
    private static final int ABORT_PERCENT = 8;
    private static final int OP_UNAVAILABLE_RETRIES_MAX = 5;
    /** Chance that a write-only client abandons its request after an attempt with no outcome. */
    private static final int WRITES_GIVE_UP_PERCENT = 5;
    /**
     * How long a write-only request is resent. The coordinator forgets a request key with its
     * transaction, retention after END, so resending (plus a packet's longest delay, ~1 s) must stop
     * before that or a resend runs anew (finding F4: the SDK's timeout plus grace outlasts it here).
     */
    private static final long WRITES_RETRY_WINDOW_MS = Math.min(TX_TIMEOUT_MS + COMMIT_GRACE_MS,
            SimSettings.COORDINATOR_RETENTION_MS - 1_100);

    private enum Phase { IDLE, BEGIN, OPS, COMMIT, POLL, ABORT, WRITES, DONE }

    private final String id;
    private final Rpc rpc;
    private final SplittableRandom random;
    private final World.Bank bank;
    private final int writeOnlyPercent;
    private int txsLeft;
    /** The write-only request being sent (null for an interactive transaction) and how many were sent. */
    private ClientCall.CommitWrites request;
    private int writeRequests;
    private Phase phase = Phase.IDLE;
    private TxId tx;
    private long giveUpAtMs;
    private List<ClientCall.Op> plan = List.of();
    private int opIndex;
    private int opRetries;
    private boolean audit;
    private long readSum;
    private long wakeId;

    /** Small scope: client n (1-based) always transfers from p1:a(n-1) to p2:a(n-1); 0 means random plans. */
    private final int fixedPlan;

    SimClient(String id, long seed, int txs, World.Bank bank, int fixedPlan, int writeOnlyPercent) {
        this.id = id;
        this.writeOnlyPercent = writeOnlyPercent;
        this.fixedPlan = fixedPlan;
        this.rpc = new Rpc(id);
        this.random = new SplittableRandom(seed);
        this.txsLeft = txs;
        this.bank = bank;
    }

    String id() {
        return id;
    }

    Rpc rpc() {
        return rpc;
    }

    boolean isDone() {
        return phase == Phase.DONE;
    }

    boolean isCommitting() {
        return phase == Phase.COMMIT || phase == Phase.POLL || phase == Phase.WRITES || phase == Phase.DONE;
    }

    boolean isBusy() {
        return phase != Phase.IDLE && phase != Phase.DONE;
    }

    void sleep(World w, long ms) {
        wakeId++;
        w.schedule(new Item.ClientWake(w.nowMs() + ms, id, wakeId));
    }

    boolean awaits(long id) {
        return id == wakeId;
    }

    void wake(World w, long id) {
        if (id != wakeId) return;
        switch (phase) {
            case IDLE -> beginNext(w);
            case COMMIT -> commit(w);
            case POLL -> poll(w);
            case WRITES -> sendWrites(w);
            default -> { }
        }
    }

    private void beginNext(World w) {
        if (txsLeft == 0 || !w.clientsMayStart()) {
            phase = Phase.DONE;
            return;
        }
        txsLeft--;
        request = null;
        if (fixedPlan == 0 && writeOnlyPercent > 0 && random.nextInt(100) < writeOnlyPercent) {
            beginWrites(w);
            return;
        }
        phase = Phase.BEGIN;
        rpc.call(w, w.coordinatorId(), new ClientCall.Begin(TX_TIMEOUT_MS), answer -> {
            if (answer instanceof Reply.BeginOk ok) {
                tx = ok.txId();
                giveUpAtMs = w.nowMs() + ok.txTimeoutMs() + COMMIT_GRACE_MS;
                plan(w);
                phase = Phase.OPS;
                nextOp(w);
            } else {
                idle(w);
            }
        }, () -> idle(w));
    }

    private void plan(World w) {
        if (fixedPlan > 0) {
            audit = false;
            readSum = 0;
            opIndex = 0;
            String k = ":a" + (fixedPlan - 1);
            plan = List.of(new ClientCall.Op(tx, 1, "p1" + k, -10, false), new ClientCall.Op(tx, 2, "p2" + k, 10, false));
            w.checker().onPlanned(tx, plan);
            return;
        }
        audit = random.nextInt(100) < AUDIT_PERCENT;
        readSum = 0;
        opIndex = 0;
        List<ClientCall.Op> ops = new ArrayList<>();
        if (audit) {
            for (String account : bank.accounts()) ops.add(new ClientCall.Op(tx, ops.size() + 1, account, 0, true));
        } else {
            List<String> accounts = bank.accounts();
            String from = accounts.get(random.nextInt(accounts.size()));
            int fromIndex = accounts.indexOf(from);
            int toIndex = random.nextInt(accounts.size() - 1);
            String to = accounts.get(toIndex >= fromIndex ? toIndex + 1 : toIndex);
            long amount = 1 + random.nextInt(80);
            ops.add(new ClientCall.Op(tx, 1, from, -amount, false));
            ops.add(new ClientCall.Op(tx, 2, to, amount, false));
        }
        plan = ops;
        w.checker().onPlanned(tx, plan);
    }

    private void nextOp(World w) {
        if (opIndex == plan.size()) {
            if (!audit && fixedPlan == 0 && random.nextInt(100) < ABORT_PERCENT) abort(w);
            else commit(w);
            return;
        }
        ClientCall.Op op = plan.get(opIndex);
        rpc.call(w, bank.participantOf(op.key()), op, answer -> {
            ClientCall.OpResult r = (ClientCall.OpResult) answer;
            if (!r.ok() && r.isUnavailable() && opRetries < OP_UNAVAILABLE_RETRIES_MAX) {
                opRetries++; // the RPC layer retries Unavailable with the same opSeq
                nextOp(w);
                return;
            }
            opRetries = 0;
            if (!r.ok()) {
                abort(w);
                return;
            }
            readSum += r.value();
            opIndex++;
            nextOp(w);
        }, () -> abort(w));
    }

    private void commit(World w) {
        phase = Phase.COMMIT;
        rpc.call(w, w.coordinatorId(), new ClientCall.Commit(tx), answer -> {
            if (answer instanceof Reply.OutcomeReply o && o.state().isFinal()) {
                finish(w, o.state() == TxState.FORGOTTEN ? "IN_DOUBT" : o.state().name());
            } else if (answer instanceof Reply.OutcomeReply) {
                phase = Phase.POLL;
                retryLater(w);
            } else if (answer instanceof Reply.ErrorReply e && e.kind() != Reply.ErrorKind.UNAVAILABLE) {
                finish(w, "ERROR_" + e.kind() + (e.state() == null ? "" : "_" + e.state()));
            } else {
                retryLater(w);
            }
        }, () -> retryLater(w));
    }

    private void poll(World w) {
        rpc.call(w, w.coordinatorId(), new ClientCall.Status(tx), answer -> {
            if (answer instanceof Reply.StatusReply s && s.state().isFinal()) {
                finish(w, s.state() == TxState.FORGOTTEN ? "IN_DOUBT" : s.state().name());
            } else {
                // ACTIVE means the commit never arrived (or the coordinator restarted): send it again.
                if (answer instanceof Reply.StatusReply s && s.state() == TxState.ACTIVE) phase = Phase.COMMIT;
                retryLater(w);
            }
        }, () -> retryLater(w));
    }

    /**
     * A write-only transfer, its new balances computed from the committed ones read now (as a cache
     * or replica would serve them: maybe stale, which the check at prepare turns into a NO vote).
     */
    private void beginWrites(World w) {
        List<String> accounts = bank.accounts();
        int fromIndex = random.nextInt(accounts.size());
        int toIndex = random.nextInt(accounts.size() - 1);
        String from = accounts.get(fromIndex);
        String to = accounts.get(toIndex >= fromIndex ? toIndex + 1 : toIndex);
        long amount = 1 + random.nextInt(80);
        long fromBalance = committedBalance(w, from);
        long toBalance = committedBalance(w, to);
        SortedMap<String, SortedMap<String, String>> writes = new TreeMap<>();
        writes.computeIfAbsent(bank.participantOf(from), p -> new TreeMap<>()).put(from, Writes.casValue(fromBalance - amount, fromBalance));
        writes.computeIfAbsent(bank.participantOf(to), p -> new TreeMap<>()).put(to, Writes.casValue(toBalance + amount, toBalance));
        request = new ClientCall.CommitWrites(id + ".w" + (++writeRequests), writes, TX_TIMEOUT_MS, false);
        tx = null;
        audit = false;
        plan = List.of();
        giveUpAtMs = w.nowMs() + WRITES_RETRY_WINDOW_MS;
        phase = Phase.WRITES;
        sendWrites(w);
    }

    private long committedBalance(World w, String account) {
        return w.participants().get(bank.participantOf(account)).readCommitted(account);
    }

    /** One attempt of the write-only request; no outcome means the same request again (same key). */
    private void sendWrites(World w) {
        ClientCall.CommitWrites sending = request;
        request = request.asResend();
        rpc.call(w, w.coordinatorId(), sending, answer -> {
            Reply.Value outcome = answer instanceof Reply.Written written ? written.outcome() : (Reply.Value) answer;
            if (answer instanceof Reply.Written written) tx = written.txId();
            if (outcome instanceof Reply.OutcomeReply o && o.state().isFinal()) {
                finish(w, o.state() == TxState.FORGOTTEN ? "IN_DOUBT" : o.state().name());
            } else if (outcome instanceof Reply.ErrorReply e && e.kind() != Reply.ErrorKind.UNAVAILABLE) {
                finish(w, "ERROR_" + e.kind());
            } else {
                retryWrites(w);
            }
        }, () -> retryWrites(w));
    }

    private void retryWrites(World w) {
        w.stats().writeRetries++;
        if (random.nextInt(100) < WRITES_GIVE_UP_PERCENT) finish(w, "GAVE_UP");
        else retryLater(w);
    }

    private void retryLater(World w) {
        if (w.nowMs() + POLL_MS >= giveUpAtMs) {
            finish(w, "IN_DOUBT");
            return;
        }
        sleep(w, 1 + random.nextInt((int) POLL_MS));
    }

    private void abort(World w) {
        phase = Phase.ABORT;
        rpc.call(w, w.coordinatorId(), new ClientCall.Abort(tx), answer -> {
            if (answer instanceof Reply.ErrorReply e && e.state() == TxState.COMMITTED) finish(w, "COMMITTED");
            else if (answer instanceof Reply.OutcomeReply o && o.state() == TxState.ABORTED) finish(w, "ABORTED");
            else finish(w, "ABORT_ANSWERED " + answer);
        }, () -> finish(w, "ABORT_UNCONFIRMED"));
    }

    private void finish(World w, String outcome) {
        if (request != null) {
            w.checker().onWriteOutcome(id, request.requestKey(), tx, outcome);
            w.trace(id + " OUTCOME " + request.requestKey() + " (" + tx + ") " + outcome);
        } else {
            w.checker().onClientOutcome(id, tx, outcome, audit ? readSum : null);
            w.trace(id + " OUTCOME " + tx + " " + outcome + (audit ? " (audit sum " + readSum + ")" : ""));
        }
        if (tx != null && (fixedPlan > 0 || random.nextInt(4) == 0)) w.askStatusLater(id, tx);
        idle(w);
    }

    private void idle(World w) {
        phase = Phase.IDLE;
        sleep(w, 1 + random.nextInt(30));
    }

    String describe() {
        return id + " " + phase + " tx=" + tx + (request == null ? "" : " request=" + request.requestKey()) + " op="
                + opIndex + "/" + plan.size() + " left=" + txsLeft + " rpc="
                + rpc.describe();
    }
}
