package dev.pledge.participant.protocol;

import dev.pledge.core.Incarnations;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Drives a ParticipantCore in tests: a manual clock, tokens, and the last Outputs. */
final class CoreHarness {
    static final String COORD = "coord-1";
    /** The storage identity a new harness directory gets; incarnations count 1, 2, 3 (no clock floor). */
    static final long STORAGE = 0x5eedL;

    ParticipantCore core;
    long nowMs = 1_000;
    long nextToken = 1;
    Outputs last = Outputs.NONE;
    final List<Outputs> all = new ArrayList<>();

    CoreHarness() {
        this(CoreConfig.defaults("course-c"), List.of());
    }

    CoreHarness(CoreConfig config, List<Record> durable) {
        core = ParticipantCore.recover(config, durable, nowMs, new Random(42));
        step(new Event.Start(nowMs, new Incarnations.Start(0, STORAGE)));
    }

    static TxId tx(long seq) {
        return new TxId(COORD, 7, seq);
    }

    Outputs step(Event e) {
        last = core.step(e);
        all.add(last);
        return last;
    }

    long token() {
        return nextToken++;
    }

    /** Starts a branch: first access, enlist answered ok with plenty of time. The access's reply, or null if it waits. */
    Reply enlistWith(TxId tx, Event.Access first) {
        step(first);
        step(Event.EnlistResult.ok(nowMs, tx, 30_000));
        return replyFor(first.token());
    }

    Event.Access write(TxId tx, String key, String value) {
        Key k = Key.utf8(key);
        return new Event.Access(nowMs, token(), tx, 1, k, Event.AccessMode.WRITE, Write.put(k, value.getBytes()));
    }

    Event.Access read(TxId tx, String key) {
        return new Event.Access(nowMs, token(), tx, 1, Key.utf8(key), Event.AccessMode.READ, null);
    }

    /** One operation of one write, ended as the runtime ends it. */
    Reply put(TxId tx, String key, String value) {
        return asOperation(tx, write(tx, key, value));
    }

    /** One operation of one read, ended as the runtime ends it. */
    Reply get(TxId tx, String key) {
        return asOperation(tx, read(tx, key));
    }

    private Reply asOperation(TxId tx, Event.Access a) {
        if (core.view().branchState(tx) == dev.pledge.core.BranchState.UNKNOWN) enlistWith(tx, a);
        else step(a);
        Reply r = onlyReply(a.token());
        if (r instanceof Reply.Granted) step(new Event.EndOp(nowMs, tx, a.opSeq(), null));
        return r;
    }

    Reply prepare(TxId tx) {
        return prepare(tx, core.view().incarnation(), Event.Verdict.OK);
    }

    Reply prepare(TxId tx, long incarnation, Event.Verdict verdict) {
        return prepare(tx, List.of("course-c", "student-a"), incarnation, verdict);
    }

    /** Prepare with the participant set {@code participants} (P(T), this node among them). */
    Reply prepare(TxId tx, List<String> participants) {
        return prepare(tx, participants, core.view().incarnation(), Event.Verdict.OK);
    }

    private Reply prepare(TxId tx, List<String> participants, long incarnation, Event.Verdict verdict) {
        long t = token();
        step(new Event.Prepare(nowMs, t, tx, participants, COORD, incarnation, verdict));
        return onlyReply(t);
    }

    Reply commit(TxId tx) {
        long t = token();
        step(new Event.Commit(nowMs, t, tx));
        return onlyReply(t);
    }

    Reply abort(TxId tx) {
        long t = token();
        step(new Event.Abort(nowMs, t, tx));
        return onlyReply(t);
    }

    Reply peerState(TxId tx) {
        long t = token();
        step(new Event.PeerState(nowMs, t, tx, "student-a"));
        return onlyReply(t);
    }

    Reply inquire(TxId tx) {
        long t = token();
        step(new Event.PeerState(nowMs, t, tx, "coord-2", true));
        return onlyReply(t);
    }

    void status(TxId tx, TxState state) {
        step(new Event.CoordinatorStatus(nowMs, tx, state, null));
    }

    void fire(Timer timer) {
        step(new Event.TimerFired(nowMs, timer));
    }

    /** The reply with this token in any Outputs so far, or null. */
    Reply replyFor(long token) {
        // Newest first: a reply is usually in the last outputs, and a token is answered once.
        for (int i = all.size() - 1; i >= 0; i--) {
            for (Reply r : all.get(i).replies()) if (r.token() == token) return r;
        }
        return null;
    }

    Reply onlyReply(long token) {
        Reply r = replyFor(token);
        if (r == null) throw new AssertionError("no reply for token " + token + "; last outputs " + last);
        return r;
    }

    <T extends Timer> T lastTimer(Class<T> type) {
        T found = null;
        for (Outputs o : all) {
            for (Timer.Request r : o.timers()) if (type.isInstance(r.timer())) found = type.cast(r.timer());
        }
        if (found == null) throw new AssertionError("no timer of type " + type.getSimpleName());
        return found;
    }

    /** Restarts from the records made durable so far (as a store would return them), dropping unsynced ones only if asked. */
    CoreHarness restarted() {
        List<Record> durable = DurableModel.replay(all);
        return new CoreHarness(core.config, durable);
    }
}
