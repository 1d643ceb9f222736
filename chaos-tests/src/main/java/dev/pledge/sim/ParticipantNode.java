package dev.pledge.sim;

import dev.pledge.core.LogLine;
import dev.pledge.core.BranchState;
import dev.pledge.core.Incarnations;
import dev.pledge.core.TxId;
import dev.pledge.participant.protocol.CoreConfig;
import dev.pledge.participant.protocol.CoreView;
import dev.pledge.participant.protocol.Event;
import dev.pledge.participant.protocol.Key;
import dev.pledge.participant.protocol.Message;
import dev.pledge.participant.protocol.Outputs;
import dev.pledge.participant.protocol.ParticipantCore;
import dev.pledge.participant.protocol.Record;
import dev.pledge.participant.protocol.Reply;
import dev.pledge.participant.protocol.Timer;
import dev.pledge.participant.protocol.Write;
import dev.pledge.participant.runtime.NodeRuntime;
import dev.pledge.participant.runtime.OutputsExecution;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * A participant: the real {@link ParticipantCore} driven the way its runtime drives it. Requests
 * from the coordinator become events with a reply token; the core's messages become RPC calls to
 * the coordinator whose answers come back as events; operations run through {@link OpHandler}.
 */
final class ParticipantNode extends SimNode {
    private final CoreConfig config;
    private final String coordinatorId;
    private final SimDisk<Record, ParticipantDiskState> disk = new SimDisk<>(
            dev.pledge.participant.storage.ParticipantLayout.INSTANCE, ParticipantDiskState::new);
    private final TreeMap<Long, OpHandler> handlers = new TreeMap<>();
    /** Operations running now, by "tx/opSeq", for joining a retry that races its first run (finding F1). */
    private final TreeMap<String, OpHandler> running = new TreeMap<>();
    private ParticipantCore core;
    /** The production runtime's execution of Outputs (and its overlay of unstored commits); one per life. */
    private OutputsExecution execution;

    ParticipantNode(String id, String coordinatorId, CoreConfig config, java.util.Set<dev.pledge.runtime.Defect> defects) {
        super(id, NodeRuntime.LOG_BATCH_MAX, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(NodeRuntime.COMMIT_LINGER_NS),
                defects);
        this.coordinatorId = coordinatorId;
        this.config = config;
    }

    @Override
    SimDisk<Record, ParticipantDiskState> disk() {
        return disk;
    }

    CoreView view() {
        return core.view();
    }

    @Override
    void boot(World w) {
        Random random = new Random(w.coreSeed(id, life));
        core = ParticipantCore.recover(config, disk.durable().readAll(), w.nowMs(), random);
        execution = new OutputsExecution((records, sync, lingers, release) -> submit(w, records, sync, lingers, release),
                defects);
        step(w, new Event.Start(w.nowMs(), Incarnations.draw(w.nowMs(), random)));
    }

    @Override
    void dropCore() {
        core = null;
        execution = null;
        handlers.clear();
        running.clear();
    }

    void step(World w, Event e) {
        noteEvent(e);
        Outputs o = core.step(e);
        if (w.tracing() && (!o.records().isEmpty() || !o.messages().isEmpty() || !o.replies().isEmpty())) {
            w.trace(id + " " + e + "\n            -> " + summary(o));
        }
        o.logLines().stream().filter(LogLine::error).forEach(l -> w.trace("ALARM " + l.text()));
        for (Timer.Request t : o.timers()) {
            w.schedule(new Item.TimerFire(t.fireAtMs(), id, life, t.timer()));
        }
        if (w.config().has(Mutation.YES_BEFORE_PREPARED_SYNC) && o.records().stream().anyMatch(r -> r instanceof Record.Prepared)) {
            List<Reply> later = new ArrayList<>();
            for (Reply r : o.replies()) {
                if (r instanceof Reply.Voted v && v.vote() == dev.pledge.core.Vote.YES) replyEffect(w, r).action().run();
                else later.add(r);
            }
            o = new Outputs(o.records(), o.mustSync(), o.messages(), o.timers(), later, o.logLines());
        }
        boolean bornUnsynced = w.config().has(Mutation.BORN_BRANCH_PREPARED_UNSYNCED) && e instanceof Event.Prepare p
                && p.writes() != null && o.records().stream().anyMatch(r -> r instanceof Record.Prepared);
        if (bornUnsynced) {
            w.stats().mutationsFired++;
            w.trace(id + " MUTATION: branch born at prepare votes YES without syncing PREPARED");
            o = new Outputs(o.records(), false, o.messages(), o.timers(), o.replies(), o.logLines());
        }
        o = unsyncedVote(w, e, o);
        execution.execute(e, o, new OutputsExecution.Effects() {
            @Override
            public void reply(Reply r) {
                replyEffect(w, r).action().run();
            }

            @Override
            public void send(Message m) {
                sendEffect(w, m).action().run();
            }
        });
    }

    /** The implicit-commit mutations: a vote or refusal whose record the mutation leaves unsynced. */
    private Outputs unsyncedVote(World w, Event e, Outputs o) {
        if (!o.mustSync()) return o;
        String what = null;
        for (Reply r : o.replies()) {
            if (r instanceof Reply.Voted v && v.vote() == dev.pledge.core.Vote.NO && w.config().has(Mutation.NO_BEFORE_ABORT_SYNC)) {
                what = "NO vote";
            } else if (r instanceof Reply.Voted v && v.vote() == dev.pledge.core.Vote.READ_ONLY
                    && w.config().has(Mutation.READ_ONLY_NOT_SYNCED)) {
                what = "READ_ONLY vote";
            } else if (r instanceof Reply.PeerAnswer a && a.state() == BranchState.ABORTED && e instanceof Event.PeerState
                    && w.config().has(Mutation.REFUSAL_NOT_DURABLE)) {
                what = "refusal";
            }
        }
        if (what == null || o.records().stream().anyMatch(r -> r instanceof Record.Prepared || r instanceof Record.Applied)) {
            return o;
        }
        w.stats().mutationsFired++;
        w.trace(id + " MUTATION: " + what + " sent without syncing its record");
        return new Outputs(o.records(), false, o.messages(), o.timers(), o.replies(), o.logLines());
    }

    private static String summary(Outputs o) {
        return "records=" + o.records() + (o.mustSync() ? " SYNC" : "") + " msgs=" + o.messages()
                + " replies=" + o.replies() + " timers=" + o.timers().size();
    }

    private Effect replyEffect(World w, Reply reply) {
        Reply r = mutate(w, reply);
        if (isServing(r.token())) return respond(w, r.token(), r);
        return new Effect("op-reply#" + r.token() + " " + r, () -> {
            OpHandler h = handlers.remove(r.token());
            if (h != null) h.onReply(w, r);
        });
    }

    /** The core answers UNKNOWN to a peer only for an outcome it may have swept; the mutation refuses instead. */
    private Reply mutate(World w, Reply r) {
        if (!(r instanceof Reply.PeerAnswer a) || a.state() != BranchState.UNKNOWN
                || !w.config().has(Mutation.SWEPT_ANSWERED_AS_REFUSAL)) {
            return r;
        }
        w.stats().mutationsFired++;
        w.trace(id + " MUTATION: a possibly swept outcome is answered ABORTED");
        return new Reply.PeerAnswer(a.token(), BranchState.ABORTED);
    }

    private Effect sendEffect(World w, Message m) {
        return new Effect("send " + m, () -> {
            if (m instanceof Message.Enlist en) {
                rpc.call(w, coordinatorId, m, answer -> enlistAnswered(w, en.txId(), answer),
                        () -> step(w, Event.EnlistResult.refused(w.nowMs(), en.txId(), Reply.ErrorKind.UNAVAILABLE,
                                "coordinator unreachable")));
            } else if (m instanceof Message.AskCoordinatorStatus ask) {
                rpc.call(w, coordinatorId, m, answer -> statusAnswered(w, ask.txId(), answer),
                        () -> step(w, new Event.CoordinatorUnreachable(w.nowMs(), ask.txId(), "rpc failed")));
            } else if (m instanceof Message.AskPeer ask) {
                w.stats().peerQuestions++;
                rpc.call(w, ask.peerId(), m, answer -> peerAnswered(w, ask, answer),
                        () -> step(w, new Event.PeerReplied(w.nowMs(), ask.txId(), ask.peerId(), null, "rpc failed")));
            } else {
                throw new IllegalStateException("unknown participant message " + m);
            }
        });
    }

    /** Votes, acknowledgements and peer answers carry this node's storage identity (ParticipantHandler does). */
    @Override
    Object stamp(Object answer) {
        boolean stamped = answer instanceof Reply.Voted || answer instanceof Reply.Acked || answer instanceof Reply.PeerAnswer;
        return stamped ? new Stamped(answer, core.view().storageId()) : answer;
    }

    /** The participant core takes no storage identity from a peer: the stamp is dropped, as its runtime does. */
    private void peerAnswered(World w, Message.AskPeer ask, Object payload) {
        Object answer = Stamped.answerOf(payload);
        BranchState state = answer instanceof Reply.PeerAnswer p ? p.state() : null;
        step(w, new Event.PeerReplied(w.nowMs(), ask.txId(), ask.peerId(), state, state == null ? String.valueOf(answer) : null));
    }

    private void enlistAnswered(World w, TxId tx, Object answer) {
        if (answer instanceof dev.pledge.coordinator.protocol.Reply.EnlistOk ok) {
            step(w, Event.EnlistResult.ok(w.nowMs(), tx, ok.txRemainingMs()));
        } else if (answer instanceof dev.pledge.coordinator.protocol.Reply.ErrorReply err) {
            step(w, Event.EnlistResult.refused(w.nowMs(), tx, errorKind(err.kind()), err.message()));
        } else {
            throw new IllegalStateException("unexpected enlist answer " + answer);
        }
    }

    private static Reply.ErrorKind errorKind(dev.pledge.coordinator.protocol.Reply.ErrorKind kind) {
        return switch (kind) {
            case UNAVAILABLE -> Reply.ErrorKind.UNAVAILABLE;
            case INVALID -> Reply.ErrorKind.INVALID;
            case NOT_ALLOWED -> Reply.ErrorKind.NOT_ALLOWED;
            case UNKNOWN_TX -> Reply.ErrorKind.UNKNOWN_TRANSACTION; // as CoordinatorLink maps UnknownTransaction
        };
    }

    private void statusAnswered(World w, TxId tx, Object answer) {
        if (answer instanceof dev.pledge.coordinator.protocol.Reply.StatusReply s) {
            step(w, new Event.CoordinatorStatus(w.nowMs(), tx, s.state(), s.reason()));
        } else {
            step(w, new Event.CoordinatorUnreachable(w.nowMs(), tx, String.valueOf(answer)));
        }
    }

    @Override
    void onRequest(World w, Packet p) {
        Object m = p.payload();
        long now = w.nowMs();
        if (m instanceof ClientCall.Op op) {
            String key = op.txId() + "/" + op.opSeq();
            OpHandler first = running.get(key);
            if (first != null && w.config().racingRetriesJoined()) {
                first.join(p);
                return;
            }
            OpHandler h = new OpHandler(this, p, op);
            running.put(key, h);
            h.start(w);
            return;
        }
        TxId asked = m instanceof Message.AskPeer ap ? ap.txId()
                : m instanceof dev.pledge.coordinator.protocol.Message.AskBranch ab ? ab.txId()
                : m instanceof dev.pledge.coordinator.protocol.Message.AskVote av ? av.txId() : null;
        BranchState lie = w.config().has(Mutation.UNVOTED_PEER_ANSWERS_PREPARED) ? BranchState.PREPARED
                : w.config().has(Mutation.UNVOTED_PEER_ANSWERS_ABORTED_WITHOUT_ABORTING) ? BranchState.ABORTED : null;
        if (asked != null && lie != null && core.view().branchState(asked) == BranchState.ACTIVE) {
            long token = serve(p);
            w.stats().mutationsFired++;
            w.trace(id + " MUTATION: unvoted branch " + asked + " answers " + lie + " and stays ACTIVE");
            release(w, List.of(), false, List.of(respond(w, token, new Reply.PeerAnswer(token, lie))));
            return;
        }
        long token = serve(p);
        if (m instanceof dev.pledge.coordinator.protocol.Message.Prepare pr) {
            List<Write> writes = Writes.toParticipant(pr.writes());
            step(w, new Event.Prepare(now, token, pr.txId(), pr.participants(), p.from(), pr.incarnation(),
                    verdict(w, pr.txId(), writes), writes));
        } else if (m instanceof dev.pledge.coordinator.protocol.Message.Commit c) {
            step(w, new Event.Commit(now, token, c.txId()));
        } else if (m instanceof dev.pledge.coordinator.protocol.Message.Abort a) {
            step(w, new Event.Abort(now, token, a.txId()));
        } else if (m instanceof dev.pledge.coordinator.protocol.Message.CommitOnePhase c) {
            List<Write> writes = Writes.toParticipant(c.writes());
            step(w, new Event.CommitOnePhase(now, token, c.txId(), c.incarnation(), verdict(w, c.txId(), writes), writes));
        } else if (m instanceof dev.pledge.coordinator.protocol.Message.AskBranch a) {
            step(w, new Event.PeerState(now, token, a.txId(), p.from()));
        } else if (m instanceof dev.pledge.coordinator.protocol.Message.AskVote a) {
            step(w, new Event.PeerState(now, token, a.txId(), p.from()));
        } else if (m instanceof Message.AskPeer a) {
            step(w, new Event.PeerState(now, token, a.txId(), p.from()));
        } else {
            throw new IllegalStateException("unknown request to participant " + m);
        }
    }

    /**
     * The application's validator: no account may go negative, and a write-only transfer's balance
     * must replace the one it was computed from. As the wire handler does, writes sent with the
     * call are the write set of a branch the event creates; the store is read as it is now.
     */
    private Event.Verdict verdict(World w, TxId tx, List<Write> sentWrites) {
        BranchState state = core.view().branchState(tx);
        List<Write> writes = sentWrites != null && state == BranchState.UNKNOWN ? sentWrites : core.view().writeSet(tx);
        for (Write wr : writes) {
            if (wr.isDelete()) continue;
            String key = new String(wr.key().bytes(), StandardCharsets.UTF_8);
            if (decode(wr.value()) < 0) return Event.Verdict.no("balance of " + key + " would be negative");
            Long expected = Writes.expected(wr.value());
            long committed = validatorRead(w, wr.key());
            if (expected != null && committed != expected) {
                return Event.Verdict.no("balance of " + key + " is " + committed + ", the transfer expected " + expected);
            }
        }
        return Event.Verdict.OK;
    }

    @Override
    void onTimer(World w, Object timer) {
        Timer t = (Timer) timer;
        if (w.config().has(Mutation.PREPARED_ABORTS_ON_TIMER)) {
            TxId tx = t instanceof Timer.BranchDeadline d ? d.txId() : t instanceof Timer.InDoubtPoll p ? p.txId() : null;
            if (tx != null && core.view().branchState(tx) == BranchState.PREPARED) {
                w.stats().mutationsFired++;
                w.trace(id + " MUTATION: prepared branch " + tx + " aborts on its own");
                step(w, new Event.Abort(w.nowMs(), newToken(), tx));
                return;
            }
        }
        step(w, new Event.TimerFired(w.nowMs(), t));
    }

    void finished(ClientCall.Op op, OpHandler h) {
        running.remove(op.txId() + "/" + op.opSeq(), h);
    }

    long registerHandler(OpHandler h) {
        long token = newToken();
        handlers.put(token, h);
        return token;
    }

    /** Committed value of an account as the validator reads it: through the runtime's overlay of unstored commits. */
    private long validatorRead(World w, Key key) {
        Write unwritten = execution.unstored(key);
        if (unwritten != null) return unwritten.isDelete() ? 0 : decode(unwritten.value());
        return readCommitted(new String(key.bytes(), StandardCharsets.UTF_8));
    }

    /** Committed value of an account as a read sees it now (0 if absent). */
    long readCommitted(String key) {
        Long v = disk.current().value(key);
        return v == null ? 0 : v;
    }

    static long decode(byte[] value) {
        return Writes.balance(value);
    }

    static byte[] encode(long value) {
        return Long.toString(value).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    String describeCore() {
        CoreView v = core.view();
        return "inc=" + v.incarnation() + " live=" + v.liveBranches() + " inDoubt=" + v.inDoubt().size()
                + " locked=" + new java.util.TreeSet<>(v.lockedKeys()) + " handlers=" + handlers.values();
    }
}
