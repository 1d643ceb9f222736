package dev.pledge.coordinator.protocol;

import static org.assertj.core.api.Assertions.assertThat;

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

    /** A crash and restart: only the records written so far survive. */
    CoreHarness restart() {
        CoordinatorCore.Recovery r = CoordinatorCore.recover(config, List.copyOf(log), nowMs, new Random(42));
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

    Outputs ack(TxId tx, String participant) {
        return step(new Event.Acked(nowMs, tx, participant));
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
