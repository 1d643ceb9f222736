package dev.pledge.sim;

import dev.pledge.coordinator.protocol.Reply;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A client running transfers (and now and then an audit that reads every account) the way the SDK
 * does: begin, operations with a fixed opSeq per operation (retries reuse it), then commit, which
 * is resent until the coordinator has it, then status is polled until the deadline plus a grace
 * period; after that the outcome is IN_DOUBT. Every outcome it sees goes to the checker.
 */
final class SimClient {
    static final long TX_TIMEOUT_MS = 1_500;
    static final long COMMIT_GRACE_MS = 1_000;
    private static final long POLL_MS = 40;
    private static final int AUDIT_PERCENT = 15;
    private static final int ABORT_PERCENT = 8;
    private static final int OP_UNAVAILABLE_RETRIES_MAX = 5;

    private enum Phase { IDLE, BEGIN, OPS, COMMIT, POLL, ABORT, DONE }

    private final String id;
    private final Rpc rpc;
    private final SplittableRandom random;
    private final World.Bank bank;
    private int txsLeft;
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

    SimClient(String id, long seed, int txs, World.Bank bank, int fixedPlan) {
        this.id = id;
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
        return phase == Phase.COMMIT || phase == Phase.POLL || phase == Phase.DONE;
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
            default -> { }
        }
    }

    private void beginNext(World w) {
        if (txsLeft == 0 || !w.clientsMayStart()) {
            phase = Phase.DONE;
            return;
        }
        txsLeft--;
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
        w.checker().onClientOutcome(id, tx, outcome, audit ? readSum : null);
        w.trace(id + " OUTCOME " + tx + " " + outcome + (audit ? " (audit sum " + readSum + ")" : ""));
        if (fixedPlan > 0 || random.nextInt(4) == 0) w.askStatusLater(id, tx);
        idle(w);
    }

    private void idle(World w) {
        phase = Phase.IDLE;
        sleep(w, 1 + random.nextInt(30));
    }

    String describe() {
        return id + " " + phase + " tx=" + tx + " op=" + opIndex + "/" + plan.size() + " left=" + txsLeft + " rpc="
                + rpc.describe();
    }
}
