package dev.pledge.coordinator.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.BranchState;
import dev.pledge.core.Incarnations;
import dev.pledge.core.TxId;
import dev.pledge.core.Vote;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Drives a {@link CoordinatorCore} with a hand-moved clock and keeps every record it wrote. */
final class CoreHarness {
    static final String NODE = "coord-1";
    static final String A = "student-a";
    static final String B = "student-b";
    static final String C = "course-c";

    final CoreConfig config;
    final List<Record> log = new ArrayList<>();
    CoordinatorCore core;
    Outputs startup;
    long nowMs = 1_000;
    private long tokens;

    CoreHarness() {
        this(CoreConfig.of(NODE, Set.of(A, B, C)));
    }

    CoreHarness(CoreConfig config) {
        this.config = config;
        restart();
    }

    /** Storage identity the harness's first data directory gets. */
    static final long STORAGE = 0x5eedL;

    /** A crash and restart: only the records written so far survive. Epochs count 1, 2, 3 (no clock floor). */
    CoreHarness restart() {
        return restart(new Incarnations.Start(0, STORAGE));
    }

    /** A crash and restart on an empty data directory, at wall clock {@code wallClockMs}. */
    CoreHarness restartOnEmptyDisk(long wallClockMs, long newStorageId) {
        log.clear();
        return restart(new Incarnations.Start(Incarnations.floor(wallClockMs, new Random(7)), newStorageId));
    }

    CoreHarness restart(Incarnations.Start start) {
        CoordinatorCore.Recovery r = CoordinatorCore.recover(config, List.copyOf(log), nowMs, start, new Random(42));
        core = r.core();
        startup = r.startup();
        log.addAll(startup.records());
        return this;
    }

    Outputs step(Event e) {
        Outputs o = core.step(e);
        log.addAll(o.records());
        return o;
    }

    TxId begin() {
        return ((Reply.BeginOk) onlyReply(step(new Event.Begin(nowMs, ++tokens, 0)))).txId();
    }

    /** Begins and enlists {@code participants} with incarnation 1. */
    TxId beginWith(String... participants) {
        TxId tx = begin();
        for (String p : participants) assertThat(onlyReply(enlist(tx, p, 1))).isInstanceOf(Reply.EnlistOk.class);
        return tx;
    }

    Outputs enlist(TxId tx, String participant, long incarnation) {
        return step(new Event.Enlist(nowMs, ++tokens, tx, participant, incarnation));
    }

    Outputs commit(TxId tx) {
        return step(new Event.Commit(nowMs, ++tokens, tx));
    }

    Outputs abort(TxId tx) {
        return step(new Event.Abort(nowMs, ++tokens, tx));
    }

    Reply.Value status(TxId tx) {
        return onlyReply(step(new Event.Status(nowMs, ++tokens, tx)));
    }

    Outputs vote(TxId tx, String participant, Vote vote) {
        return step(new Event.VoteReceived(nowMs, tx, participant, vote,
                vote == Vote.NO ? dev.pledge.core.AbortReason.VALIDATION_FAILED : null,
                vote == Vote.NO ? "course full" : null));
    }

    /** A vote durable on the participant's storage {@code storageId}. */
    Outputs vote(TxId tx, String participant, Vote vote, long storageId) {
        return step(new Event.VoteReceived(nowMs, tx, participant, vote, null, null, storageId));
    }

    Outputs ack(TxId tx, String participant) {
        return step(new Event.Acked(nowMs, tx, participant));
    }

    /** An acknowledgement reporting {@code state}, answered from the participant's storage {@code storageId}. */
    Outputs ack(TxId tx, String participant, BranchState state, long storageId) {
        return step(new Event.Acked(nowMs, tx, participant, state, storageId));
    }

    Outputs fire(Timer timer) {
        return step(new Event.TimerFired(nowMs, timer));
    }

    /** Commits a two-participant transaction all the way to END. */
    TxId committedAndEnded() {
        TxId tx = beginWith(A, B);
        commit(tx);
        vote(tx, A, Vote.YES);
        vote(tx, B, Vote.YES);
        ack(tx, A);
        ack(tx, B);
        assertThat(core.stateOf(tx)).contains(CoordinatorTxState.ENDED);
        return tx;
    }

    static Reply.Value onlyReply(Outputs o) {
        assertThat(o.replies()).hasSize(1);
        return o.replies().get(0).value();
    }

    static Reply.OutcomeReply outcome(Outputs o) {
        return (Reply.OutcomeReply) onlyReply(o);
    }
}
