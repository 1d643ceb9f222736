package dev.pledge.coordinator.protocol;

import dev.pledge.core.AbortReason;
import dev.pledge.core.Check;
import dev.pledge.core.Incarnations;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The coordinator's protocol as a deterministic step function: {@link #step} takes one event and
 * returns the {@link Outputs} the runtime must execute, in order (see the ordering rule there).
 * Build it with {@link #recover}, which replays the decision log through the same apply path that
 * normal operation uses. Not thread-safe: one thread (the runtime's event loop) owns it.
 */
public final class CoordinatorCore {
    private final CoreConfig config;
    private final TxLedger ledger;
    private final Decisions decisions;
    /**
     * Until then (core time) this data directory is too young to know every request key a client may
     * still resend: a first send may have reached an earlier life whose records were lost.
     */
    private long keysIncompleteUntilMs;
    /** When the deadline timer set last is due, until it fires; Long.MAX_VALUE when none is set. */
    private long deadlineTimerAtMs = Long.MAX_VALUE;

    private CoordinatorCore(CoreConfig config, Random random) {
        this.config = Objects.requireNonNull(config, "config");
        this.ledger = new TxLedger(config.nodeId());
        this.decisions = new Decisions(config, ledger, Objects.requireNonNull(random, "random"));
    }

    /** A recovered core and what it must do first: sync the new epoch, resume deliveries. */
    public record Recovery(CoordinatorCore core, Outputs startup) {}

    /**
     * Rebuilds the core from the durable records (in log order) and starts a new epoch, at least
     * {@code start.floor()} (unique even when the log was lost; see {@link Incarnations}). The
     * runtime must execute {@code startup} (its EPOCH record is synced) before handing out TxIds.
     */
    public static Recovery recover(CoreConfig config, List<Record> durableRecords, long nowMs, Incarnations.Start start,
                                   Random random) {
        CoordinatorCore core = new CoordinatorCore(config, random);
        OutputsBuilder replayLog = new OutputsBuilder(); // replayed transitions are history, not news
        core.ledger.replaying(true);
        durableRecords.forEach(r -> core.ledger.apply(r, replayLog));
        core.ledger.replaying(false);
        return new Recovery(core, core.startUp(nowMs, start));
    }

    private Outputs startUp(long nowMs, Incarnations.Start start) {
        OutputsBuilder out = new OutputsBuilder();
        boolean emptyLog = ledger.epoch() == 0;
        Record.Epoch epoch = new Record.Epoch(Incarnations.next(ledger.epoch(), start.floor()));
        out.record(epoch, true);
        ledger.apply(epoch, out);
        if (ledger.storageId() == 0) {
            // A log written before storage identities existed holds every epoch since 1.
            Record.Storage storage = new Record.Storage(start.storageId(), emptyLog ? epoch.epoch() : 1);
            out.record(storage, true);
            ledger.apply(storage, out);
            if (emptyLog) {
                out.transition(config.nodeId() + " started on an empty data directory (storage "
                        + Incarnations.storageName(storage.storageId()) + "): transactions of earlier epochs are"
                        + " unknown here and answered FORGOTTEN, never presumed aborted");
            }
        }
        keysIncompleteUntilMs = nowMs + keysIncompleteForMs();
        for (CoordinatorTx tx : ledger.all()) {
            if (tx.state == CoordinatorTxState.PREPARING) {
                Check.state(tx.isOnePhase(), "recovered %s PREPARING without a ONE_PHASE marker", tx.id);
                out.send(new Message.AskBranch(tx.id, tx.onePhaseParticipant));
            } else if (tx.state == CoordinatorTxState.COMMITTED || tx.state == CoordinatorTxState.ABORTED) {
                tx.pendingDelivery.forEach(pid -> out.send(Decisions.deliveryMessage(tx, pid)));
            }
        }
        out.timer(new Timer.Sweep(), nowMs + config.sweepIntervalMs());
        out.transition(config.nodeId() + " started epoch " + epoch.epoch() + " with " + ledger.size()
                + " transactions from the log");
        return out.build();
    }

    /**
     * How long after a start a resent write-only request may be one whose first send reached an
     * earlier life and left no record here: a client resends for at most the longest transaction
     * timeout plus the answer grace. COMMIT, which holds the request's key, is written unsynced
     * (implicit commit), so a crash may lose it on any data directory, young or old.
     */
    private long keysIncompleteForMs() {
        return config.txTimeoutMaxMs() + config.answerGraceMs();
    }

    public Outputs step(Event event) {
        OutputsBuilder out = new OutputsBuilder();
        long nowMs = event.nowMs();
        if (event instanceof Event.Begin e) {
            begin(e, out);
        } else if (event instanceof Event.Enlist e) {
            enlist(e, out);
        } else if (event instanceof Event.Commit e) {
            commit(e, out);
        } else if (event instanceof Event.CommitWrites e) {
            commitWrites(e, out);
        } else if (event instanceof Event.Abort e) {
            abort(e, out);
        } else if (event instanceof Event.Status e) {
            status(e, out);
        } else if (event instanceof Event.VoteReceived e) {
            decisions.onVote(e, out);
        } else if (event instanceof Event.PrepareFailed e) {
            decisions.onPrepareFailed(e, out);
        } else if (event instanceof Event.Acked e) {
            decisions.onAcked(e, out);
        } else if (event instanceof Event.DeliveryFailed e) {
            decisions.onDeliveryFailed(e, out);
        } else if (event instanceof Event.OnePhaseResult e) {
            decisions.onOnePhaseResult(e, out);
        } else if (event instanceof Event.TimerFired e) {
            timerFired(e.timer(), nowMs, out);
        } else {
            throw new IllegalArgumentException("unknown event " + event);
        }
        return out.build();
    }

    private void begin(Event.Begin e, OutputsBuilder out) {
        if (e.txTimeoutMs() < 0) {
            out.reply(e.replyToken(), error(Reply.ErrorKind.INVALID, "txTimeoutMs must be >= 0, was " + e.txTimeoutMs(), null));
            return;
        }
        long timeoutMs = clampTimeout(e.txTimeoutMs());
        CoordinatorTx tx = ledger.begin(e.nowMs() + timeoutMs);
        out.routine(config.nodeId() + " tx " + tx.id + " NEW -> ACTIVE (begin, timeout " + timeoutMs + " ms)");
        armDeadline(out);
        out.reply(e.replyToken(), new Reply.BeginOk(tx.id, timeoutMs));
    }

    private long clampTimeout(long requestedMs) {
        long ms = requestedMs == 0 ? config.txTimeoutDefaultMs() : requestedMs;
        return Math.max(config.txTimeoutMinMs(), Math.min(config.txTimeoutMaxMs(), ms));
    }

    /**
     * A write-only transaction, begun and committed in one request: every participant is known up
     * front (no enlistment) and gets its writes with the prepare. A retry with the same request key
     * joins the transaction it started, while the coordinator still holds it.
     */
    private void commitWrites(Event.CommitWrites e, OutputsBuilder out) {
        TxId known = ledger.byRequestKey(e.requestKey());
        if (known != null) {
            CoordinatorTx tx = liveTx(known, e.nowMs(), out);
            if (tx == null) out.reply(e.replyToken(), new Reply.Written(known, noRecordAnswer(known, true, "commit")));
            else if (tx.state.isDecided()) out.reply(e.replyToken(), new Reply.Written(tx.id, Decisions.parkedAnswer(tx, true)));
            else park(tx, e.replyToken(), true, true, out);
            return;
        }
        if (e.resend() && e.nowMs() < keysIncompleteUntilMs) {
            // Running it could apply writes an earlier life already committed, and answer ABORTED for them.
            out.reply(e.replyToken(), new Reply.Written(null, new Reply.OutcomeReply(TxState.FORGOTTEN, null,
                    "request " + e.requestKey() + " was sent before; its first send may have reached an earlier life of "
                    + config.nodeId() + " whose record of it a crash or a lost data directory took, so its outcome is unknown here")));
            return;
        }
        String invalid = e.txTimeoutMs() < 0 ? "txTimeoutMs must be >= 0, was " + e.txTimeoutMs() : null;
        for (String pid : e.writes().keySet()) {
            if (invalid == null && !config.participantIds().contains(pid)) {
                invalid = "participant id '" + pid + "' is not in the coordinator's registry";
            }
        }
        if (invalid != null) {
            out.reply(e.replyToken(), error(Reply.ErrorKind.INVALID, invalid, null));
            return;
        }
        CoordinatorTx tx = ledger.begin(e.nowMs() + clampTimeout(e.txTimeoutMs()));
        ledger.keyed(tx, e.requestKey());
        tx.writes = new LinkedHashMap<>(e.writes());
        e.writes().keySet().forEach(pid -> tx.enlisted.put(pid, CoordinatorTx.UNKNOWN_INCARNATION));
        armDeadline(out);
        park(tx, e.replyToken(), true, true, out);
        decisions.startCommit(tx, e.nowMs(), out);
    }

    private void enlist(Event.Enlist e, OutputsBuilder out) {
        if (!config.participantIds().contains(e.participantId())) {
            out.reply(e.replyToken(), error(Reply.ErrorKind.INVALID,
                    "participant id '" + e.participantId() + "' is not in the coordinator's registry", null));
            return;
        }
        CoordinatorTx tx = liveTx(e.txId(), e.nowMs(), out);
        if (tx == null) {
            out.reply(e.replyToken(), noRecordAnswer(e.txId(), false, "enlist"));
            return;
        }
        if (tx.state != CoordinatorTxState.ACTIVE) {
            out.reply(e.replyToken(), enlistTooLate(tx.id, tx.clientState()));
            return;
        }
        Long known = tx.enlisted.get(e.participantId());
        if (known != null && known != e.incarnation()) {
            // The branch enlisted by the old incarnation was lost in a restart: never commit half of it.
            decisions.abort(tx, AbortReason.PARTICIPANT_RESTARTED, "participant " + e.participantId()
                    + " restarted (incarnation " + known + " -> " + e.incarnation() + ")", e.nowMs(), out);
            out.reply(e.replyToken(), error(Reply.ErrorKind.NOT_ALLOWED, tx.message, TxState.ABORTED));
            return;
        }
        tx.enlisted.put(e.participantId(), e.incarnation());
        out.reply(e.replyToken(), new Reply.EnlistOk(Math.max(0, tx.deadlineMs - e.nowMs())));
    }

    private void commit(Event.Commit e, OutputsBuilder out) {
        CoordinatorTx tx = liveTx(e.txId(), e.nowMs(), out);
        if (tx == null) {
            out.reply(e.replyToken(), noRecordAnswer(e.txId(), true, "commit"));
        } else if (tx.state == CoordinatorTxState.ACTIVE || tx.state == CoordinatorTxState.PREPARING) {
            boolean start = tx.state == CoordinatorTxState.ACTIVE;
            park(tx, e.replyToken(), true, false, out);
            if (start) decisions.startCommit(tx, e.nowMs(), out);
        } else if (tx.state == CoordinatorTxState.ABORTED && tx.clientAborted) {
            out.reply(e.replyToken(), commitAfterOwnAbort(tx.id));
        } else {
            out.reply(e.replyToken(), Decisions.parkedAnswer(tx, true));
        }
    }

    private void abort(Event.Abort e, OutputsBuilder out) {
        CoordinatorTx tx = liveTx(e.txId(), e.nowMs(), out);
        if (tx == null) {
            out.reply(e.replyToken(), noRecordAnswer(e.txId(), false, "abort"));
        } else if (tx.state == CoordinatorTxState.PREPARING && tx.isOnePhase()) {
            park(tx, e.replyToken(), false, false, out); // the participant decides; answer when it has
        } else if (tx.state == CoordinatorTxState.PREPARING) {
            // Prepares are out: some may have been voted on already, so only a refusal can abort it.
            park(tx, e.replyToken(), false, false, out);
            decisions.resolve(tx, AbortReason.CLIENT_REQUESTED, "client requested abort during commit", e.nowMs(), out);
        } else if (tx.state == CoordinatorTxState.ACTIVE) {
            tx.clientAborted = true;
            decisions.abort(tx, AbortReason.CLIENT_REQUESTED, "client requested abort", e.nowMs(), out);
            out.reply(e.replyToken(), Decisions.parkedAnswer(tx, false));
        } else {
            out.reply(e.replyToken(), Decisions.parkedAnswer(tx, false));
        }
    }

    private void status(Event.Status e, OutputsBuilder out) {
        CoordinatorTx tx = liveTx(e.txId(), e.nowMs(), out);
        if (tx == null) {
            Reply.Value v = noRecordAnswer(e.txId(), true, "status");
            out.reply(e.replyToken(), v instanceof Reply.OutcomeReply o
                    ? new Reply.StatusReply(o.state(), o.reason(), o.message(), List.of(), o.damage()) : v);
            return;
        }
        TxState state = tx.clientState();
        out.reply(e.replyToken(), new Reply.StatusReply(state, state == TxState.ABORTED ? tx.reason : null,
                state == TxState.ABORTED ? tx.message : null, tx.participants(), tx.damage));
    }

    /** The transaction, aborted first if its deadline has passed and its timer has not fired yet. */
    private CoordinatorTx liveTx(TxId id, long nowMs, OutputsBuilder out) {
        CoordinatorTx tx = ledger.get(id);
        if (tx != null && nowMs >= tx.deadlineMs) expire(tx, nowMs, out);
        return tx;
    }

    /** Sets the deadline timer for the earliest deadline still watched, unless one is set for it or earlier. */
    private void armDeadline(OutputsBuilder out) {
        long atMs = ledger.earliestDeadlineMs();
        if (atMs >= deadlineTimerAtMs) return;
        deadlineTimerAtMs = atMs;
        out.timer(new Timer.Deadline(atMs), atMs);
    }

    private void expire(CoordinatorTx tx, long nowMs, OutputsBuilder out) {
        if (tx.state == CoordinatorTxState.ACTIVE) {
            decisions.abort(tx, AbortReason.DEADLINE_EXCEEDED, "deadline passed", nowMs, out);
        } else if (tx.state == CoordinatorTxState.PREPARING && !tx.isOnePhase()) { // 1PC: the branch decides
            decisions.resolve(tx, AbortReason.DEADLINE_EXCEEDED, "deadline passed", nowMs, out);
        }
    }

    private void park(CoordinatorTx tx, long replyToken, boolean commit, boolean written, OutputsBuilder out) {
        if (tx.parked.size() >= config.parkedRepliesMax()) {
            Reply.Value busy = new Reply.OutcomeReply(TxState.PREPARING, null, "too many waiting requests");
            out.reply(replyToken, written ? new Reply.Written(tx.id, busy) : busy);
            return;
        }
        tx.parked.add(new CoordinatorTx.Parked(replyToken, commit, written));
    }

    /** The answer for a TxId with no live transaction: its archived outcome, else presumed abort, proven. */
    private Reply.Value noRecordAnswer(TxId id, boolean outcomeForForgotten, String what) {
        TxLedger.Concluded c = ledger.concluded(id);
        if (c != null) return concludedAnswer(id, c, what);
        return switch (ledger.presume(id)) {
            case NEVER_ISSUED -> error(Reply.ErrorKind.UNKNOWN_TX,
                    "transaction " + id + " was never issued by coordinator " + config.nodeId(), null);
            case FORGOTTEN -> forgotten(id, outcomeForForgotten, what, "the outcome of " + id + " is no longer kept");
            case EARLIER_LIFE -> forgotten(id, outcomeForForgotten, what, id + " was issued by an earlier life of "
                    + config.nodeId() + " whose records are not on this data directory; its outcome is unknown here");
            case BEFORE_RESTART -> forgotten(id, outcomeForForgotten, what, id + " was issued before " + config.nodeId()
                    + " restarted and left no record here (a COMMIT is written unsynced, so a crash may lose it);"
                    + " its outcome is unknown here, and its participants resolve it from their durable votes");
            case ABORTED -> what.equals("enlist")
                    ? error(Reply.ErrorKind.NOT_ALLOWED, "enlist in finished transaction " + id, TxState.ABORTED)
                    : new Reply.OutcomeReply(TxState.ABORTED, AbortReason.PRESUMED_ABORT,
                    "no decision record for " + id + ": presumed abort");
        };
    }

    private static Reply.Value forgotten(TxId id, boolean outcomeForForgotten, String what, String why) {
        return outcomeForForgotten ? new Reply.OutcomeReply(TxState.FORGOTTEN, null, why)
                : error(Reply.ErrorKind.NOT_ALLOWED, what + " of forgotten transaction " + id + ": " + why, TxState.FORGOTTEN);
    }

    /** What a live transaction in the same final state would answer. */
    private static Reply.Value concludedAnswer(TxId id, TxLedger.Concluded c, String what) {
        return switch (what) {
            case "enlist" -> enlistTooLate(id, c.committed() ? TxState.COMMITTED : TxState.ABORTED);
            case "commit" -> c.clientAborted() ? commitAfterOwnAbort(id)
                    : Decisions.finalAnswer(id, c.committed(), c.reason(), c.message(), c.damage(), true);
            default -> Decisions.finalAnswer(id, c.committed(), c.reason(), c.message(), c.damage(),
                    !what.equals("abort"));
        };
    }

    private static Reply.ErrorReply enlistTooLate(TxId id, TxState state) {
        return error(Reply.ErrorKind.NOT_ALLOWED, "enlist after commit or abort started in " + id, state);
    }

    private static Reply.ErrorReply commitAfterOwnAbort(TxId id) {
        return error(Reply.ErrorKind.NOT_ALLOWED, "commit after the client's own abort of " + id, TxState.ABORTED);
    }

    private static Reply.ErrorReply error(Reply.ErrorKind kind, String message, TxState state) {
        return new Reply.ErrorReply(kind, message, state);
    }

    private void timerFired(Timer timer, long nowMs, OutputsBuilder out) {
        if (timer instanceof Timer.Deadline t) {
            // A superseded timer (an earlier one was set after it) expires what is due; the one set stays.
            if (t.atMs() == deadlineTimerAtMs) deadlineTimerAtMs = Long.MAX_VALUE;
            for (CoordinatorTx tx : ledger.takeDue(nowMs)) expire(tx, nowMs, out);
            armDeadline(out);
        } else if (timer instanceof Timer.DeliveryRetry t) {
            decisions.onRetryTimer(t, out);
        } else if (timer instanceof Timer.Sweep) {
            decisions.sweep(nowMs, out);
        } else {
            throw new IllegalArgumentException("unknown timer " + timer);
        }
    }

    // ---- read-only views for the runtime, simulators and checkers ----

    public String nodeId() {
        return config.nodeId();
    }

    public long epoch() {
        return ledger.epoch();
    }

    /** Live transactions whose deadline the one deadline timer still watches. */
    public int deadlinesWatched() {
        return ledger.deadlinesWatched();
    }

    /** This coordinator's data directory identity (see {@link Record.Storage}). */
    public long storageId() {
        return ledger.storageId();
    }

    /**
     * Committed transactions whose writes a participant lost (it came back on an empty disk, or
     * reports the branch aborted), with one line per damaged participant, until forgotten.
     */
    public Map<TxId, List<String>> damaged() {
        return ledger.damaged();
    }

    /** Grows whenever {@link #damaged} changes. */
    public long damageChanges() {
        return ledger.damageChanges();
    }

    public Optional<TxId> watermark() {
        return ledger.watermark();
    }

    public Optional<CoordinatorTxState> stateOf(TxId id) {
        CoordinatorTx tx = ledger.get(id);
        if (tx != null) return Optional.of(tx.state);
        TxLedger.Concluded c = ledger.concluded(id);
        if (c == null) return Optional.empty();
        return Optional.of(c.committed() ? CoordinatorTxState.ENDED : CoordinatorTxState.ABORTED);
    }

    /** COMMITTED or ABORTED once decided; empty while undecided or unknown. */
    public Optional<TxState> decisionOf(TxId id) {
        CoordinatorTx tx = ledger.get(id);
        if (tx == null) {
            TxLedger.Concluded c = ledger.concluded(id);
            return c == null ? Optional.empty() : Optional.of(c.committed() ? TxState.COMMITTED : TxState.ABORTED);
        }
        if (!tx.state.isDecided()) return Optional.empty();
        return Optional.of(tx.clientState());
    }

    /** Transactions still owed a phase-two message or a one-phase inquiry. */
    public Set<TxId> pendingDelivery() {
        Set<TxId> pending = new TreeSet<>();
        for (CoordinatorTx tx : ledger.all()) {
            if (!tx.pendingDelivery.isEmpty() || (tx.state == CoordinatorTxState.PREPARING && tx.isOnePhase())) {
                pending.add(tx.id);
            }
        }
        return pending;
    }

    public int transactionCount() {
        return ledger.size();
    }
}
