package dev.pledge.sim;

import dev.pledge.coordinator.protocol.CoordinatorCore;
import dev.pledge.coordinator.protocol.CoreConfig;
import dev.pledge.coordinator.protocol.Event;
import dev.pledge.coordinator.protocol.Message;
import dev.pledge.coordinator.protocol.Outputs;
import dev.pledge.coordinator.protocol.Record;
import dev.pledge.coordinator.protocol.Reply;
import dev.pledge.coordinator.protocol.Timer;
import dev.pledge.coordinator.runtime.CoordinatorExecution;
import dev.pledge.core.BranchState;
import dev.pledge.core.Incarnations;
import dev.pledge.core.TxState;
import dev.pledge.core.Vote;
import java.util.List;
import java.util.Random;

/**
 * The coordinator: the real {@link CoordinatorCore}, recovered from its simulated decision log and
 * driven the way CoordinatorRuntime drives it, its Outputs executed by the production
 * {@link CoordinatorExecution}. Each message becomes an RPC call whose answer, or
 * final failure after the RPC layer's retries, comes back as the event ParticipantSender posts.
 */
final class CoordinatorNode extends SimNode {
    private final CoreConfig config;
    private final SimDisk<Record, CoordinatorDiskState> disk = new SimDisk<>(
            dev.pledge.coordinator.storage.CoordinatorLayout.INSTANCE, CoordinatorDiskState::new);
    private CoordinatorCore core;
    /** The core's damage counter when the checker last saw its damaged transactions. */
    private long damageChangesSeen;

    CoordinatorNode(CoreConfig config, java.util.Set<dev.pledge.runtime.Defect> defects) {
        super(config.nodeId(), dev.pledge.coordinator.runtime.CoordinatorNode.LOG_BATCH_SUBMISSIONS_MAX, 0, defects);
        this.config = config;
    }

    @Override
    SimDisk<Record, CoordinatorDiskState> disk() {
        return disk;
    }

    CoordinatorCore core() {
        return core;
    }

    @Override
    void boot(World w) {
        Random random = new Random(w.coreSeed(id, life));
        Incarnations.Start start = Incarnations.draw(w.nowMs(), random);
        if (w.config().has(Mutation.TXID_REUSED_AFTER_DISK_LOSS)) {
            start = new Incarnations.Start(0, start.storageId()); // epochs counted on the disk alone, as before issue 18
            if (life > 1 && disk.durable().readAll().isEmpty()) w.stats().mutationsFired++;
        }
        CoordinatorCore.Recovery r = CoordinatorCore.recover(config, disk.durable().readAll(), w.nowMs(), start, random);
        core = r.core();
        damageChangesSeen = core.damageChanges();
        w.checker().onCoordinatorEpoch(core.epoch());
        noteEvent("recover " + disk.durable().describe());
        execute(w, "recover", r.startup());
    }

    @Override
    void dropCore() {
        core = null;
    }

    void step(World w, Event e) {
        if (w.config().has(Mutation.ABORTS_WITHOUT_REFUSAL) && e instanceof Event.PrepareFailed f) {
            // The mutation, wave 1's rule: an unreachable participant's missing vote counts as a NO.
            e = new Event.VoteReceived(f.nowMs(), f.txId(), f.participantId(), Vote.NO,
                    dev.pledge.core.AbortReason.PARTICIPANT_UNREACHABLE, "mutated: unreachable, taken as a refusal");
        }
        noteEvent(e);
        Outputs o = core.step(e);
        // Resolution starts (the deadline, or the client's abort during commit): its first questions.
        // With PrepareFailed rewritten above, no vote inquiry is ever retried under the mutation.
        Message.AskVote ask = w.config().has(Mutation.ABORTS_WITHOUT_REFUSAL)
                ? o.messages().stream().filter(m -> m instanceof Message.AskVote).map(m -> (Message.AskVote) m)
                        .findFirst().orElse(null)
                : null;
        if (ask == null) {
            execute(w, e.toString(), o);
            return;
        }
        // The mutation: it decides ABORT as if a participant had refused, though none did.
        w.stats().mutationsFired++;
        w.trace(id + " MUTATION: resolution of " + ask.txId() + " aborts it without any refusal");
        List<Message> rest = o.messages().stream().filter(m -> !(m instanceof Message.AskVote)).toList();
        execute(w, e.toString(), new Outputs(o.records(), o.mustSync(), rest, o.timers(), o.replies(), o.logLines()));
        step(w, new Event.VoteReceived(w.nowMs(), ask.txId(), ask.participantId(), Vote.NO,
                dev.pledge.core.AbortReason.COOPERATIVE_TERMINATION, "mutated: nobody refused"));
    }

    private void execute(World w, String cause, Outputs o) {
        if (w.tracing() && (!o.records().isEmpty() || !o.messages().isEmpty() || !o.replies().isEmpty())) w.trace(id + " " + cause + "\n            -> records=" + o.records() + (o.mustSync() ? " SYNC" : "")
                + " msgs=" + o.messages().stream().map(Writes::describe).toList() + " replies=" + o.replies());
        w.checker().onCoordinatorRecords(o.records());
        o.alarms().forEach(a -> w.trace("ALARM " + a));
        if (core.damageChanges() != damageChangesSeen) {
            damageChangesSeen = core.damageChanges();
            w.checker().onDamageReported(core.damaged(), "the coordinator's damaged transactions");
        }
        for (Timer.Request t : o.timers()) {
            w.schedule(new Item.TimerFire(Math.max(w.nowMs(), t.fireAtMs()), id, life, t.timer()));
        }
        CoordinatorExecution.Log log = (records, sync, release) -> submit(w, records, sync, false, release);
        new CoordinatorExecution(log).execute(o, new CoordinatorExecution.Effects() {
            @Override
            public void send(Message m) {
                call(w, m);
            }

            @Override
            public void reply(Reply r) {
                respond(w, r.replyToken(), mutate(w, r.value())).action().run();
            }
        });
    }

    private Reply.Value mutate(World w, Reply.Value v) {
        if (!w.config().has(Mutation.FORGOTTEN_ANSWERED_ABORTED)) return v;
        if (v instanceof Reply.OutcomeReply o && o.state() == TxState.FORGOTTEN) {
            return new Reply.OutcomeReply(TxState.ABORTED, dev.pledge.core.AbortReason.PRESUMED_ABORT, "mutated");
        }
        if (v instanceof Reply.StatusReply s && s.state() == TxState.FORGOTTEN) {
            return new Reply.StatusReply(TxState.ABORTED, dev.pledge.core.AbortReason.PRESUMED_ABORT, "mutated",
                    s.participants());
        }
        return v;
    }

    /** What ParticipantSender does with one message: call, then post the result or the failure. */
    private void call(World w, Message m) {
        if (m instanceof Message.Prepare || m instanceof Message.CommitOnePhase) w.checker().onPrepareSent(m.txId());
        rpc.call(w, m.participantId(), m, answer -> step(w, resultOf(w, m, answer)), () -> step(w, failureOf(w, m)));
    }

    private Event resultOf(World w, Message m, Object answer) {
        long now = w.nowMs();
        var reply = (dev.pledge.participant.protocol.Reply) Stamped.answerOf(answer);
        if (reply instanceof dev.pledge.participant.protocol.Reply.Failed) return failureOf(w, m);
        long storageId = storageOf(w, answer);
        if (m instanceof Message.Prepare) {
            var v = (dev.pledge.participant.protocol.Reply.Voted) reply;
            w.checker().onVoteDelivered(m.txId(), m.participantId(), v.vote());
            return new Event.VoteReceived(now, m.txId(), m.participantId(), v.vote(), v.reason(), v.message(), storageId);
        }
        if (m instanceof Message.Commit || m instanceof Message.Abort) {
            var ack = (dev.pledge.participant.protocol.Reply.Acked) reply;
            return new Event.Acked(now, m.txId(), m.participantId(), ack.state(), storageId);
        }
        BranchState state = reply instanceof dev.pledge.participant.protocol.Reply.Acked a ? a.state()
                : ((dev.pledge.participant.protocol.Reply.PeerAnswer) reply).state();
        if (m instanceof Message.AskVote) {
            Event e = Event.ofVoteAnswer(now, m.txId(), m.participantId(), state, storageId);
            if (e instanceof Event.VoteReceived v) w.checker().onVoteDelivered(m.txId(), m.participantId(), v.vote());
            return e;
        }
        Event.OnePhaseOutcome outcome = switch (state) {
            case COMMITTED, HEURISTIC_COMMITTED -> Event.OnePhaseOutcome.COMMITTED;
            case ABORTED, HEURISTIC_ABORTED -> Event.OnePhaseOutcome.ABORTED;
            default -> Event.OnePhaseOutcome.UNKNOWN;
        };
        if (outcome != Event.OnePhaseOutcome.UNKNOWN) {
            w.checker().onVoteDelivered(m.txId(), m.participantId(), outcome == Event.OnePhaseOutcome.COMMITTED ? Vote.YES : Vote.NO);
        }
        return new Event.OnePhaseResult(now, m.txId(), m.participantId(), outcome, null, null, storageId);
    }

    /** The storage a participant's answer came from, as ParticipantSender reads it off the wire (0: unknown). */
    private static long storageOf(World w, Object answer) {
        if (w.config().has(Mutation.STORAGE_ID_DROPPED) && Stamped.storageOf(answer) != 0) {
            w.stats().mutationsFired++;
            return 0;
        }
        return Stamped.storageOf(answer);
    }

    private Event failureOf(World w, Message m) {
        long now = w.nowMs();
        if (m instanceof Message.Prepare || m instanceof Message.AskVote) {
            return new Event.PrepareFailed(now, m.txId(), m.participantId(), "rpc failed");
        }
        if (m instanceof Message.CommitOnePhase || m instanceof Message.AskBranch) {
            return new Event.OnePhaseResult(now, m.txId(), m.participantId(), Event.OnePhaseOutcome.UNKNOWN);
        }
        return new Event.DeliveryFailed(now, m.txId(), m.participantId(), "rpc failed");
    }

    @Override
    void onRequest(World w, Packet p) {
        long token = serve(p);
        long now = w.nowMs();
        Object m = p.payload();
        if (m instanceof dev.pledge.participant.protocol.Message.Enlist en) {
            step(w, new Event.Enlist(now, token, en.txId(), p.from(), en.incarnation()));
        } else if (m instanceof dev.pledge.participant.protocol.Message.AskCoordinatorStatus s) {
            step(w, new Event.Status(now, token, s.txId()));
        } else if (m instanceof ClientCall.Begin b) {
            step(w, new Event.Begin(now, token, b.txTimeoutMs()));
        } else if (m instanceof ClientCall.Commit c) {
            step(w, new Event.Commit(now, token, c.txId()));
        } else if (m instanceof ClientCall.Abort a) {
            step(w, new Event.Abort(now, token, a.txId()));
        } else if (m instanceof ClientCall.Status s) {
            step(w, new Event.Status(now, token, s.txId()));
        } else if (m instanceof ClientCall.CommitWrites cw) {
            commitWrites(w, token, cw);
        } else {
            throw new IllegalStateException("unknown request to coordinator " + m);
        }
    }

    /**
     * A write-only request. The checker learns which transaction it started (if it started one
     * rather than joining): the first messages carrying writes name it.
     */
    private void commitWrites(World w, long token, ClientCall.CommitWrites cw) {
        String key = cw.requestKey();
        if (w.config().has(Mutation.REQUEST_KEY_IGNORED)) {
            key = key + "#" + life + "." + token;
            w.stats().mutationsFired++;
        }
        noteEvent(cw); // the core's event prints its byte arrays by identity
        Outputs o = core.step(new Event.CommitWrites(w.nowMs(), token, key, Writes.toCoordinator(cw.writes()), cw.txTimeoutMs(),
                cw.resend()));
        for (Message m : o.messages()) {
            if (Writes.carried(m) != null) w.checker().onWritesSent(cw.requestKey(), m.txId(), m.participantId(), Writes.carried(m));
        }
        execute(w, cw.toString(), o);
    }

    @Override
    void onTimer(World w, Object timer) {
        step(w, new Event.TimerFired(w.nowMs(), (Timer) timer));
    }

    @Override
    String describeCore() {
        return "epoch=" + core.epoch() + " wm=" + core.watermark().orElse(null) + " txs=" + core.transactionCount()
                + " pending=" + core.pendingDelivery();
    }
}
