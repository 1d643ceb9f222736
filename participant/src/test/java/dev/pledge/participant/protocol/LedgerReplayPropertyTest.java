package dev.pledge.participant.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Memory never differs from what a restart would rebuild: after every step, replaying the records
 * emitted so far through recovery gives the live ledger's durable view (prepared branches, stored
 * outcomes, incarnation, storage identity).
 */
class LedgerReplayPropertyTest {

    enum Op {
        READ, WRITE, END_OP, ENLIST_OK, PREPARE, PREPARE_WITH_WRITES, VOTE_NO, COMMIT, ABORT, ONE_PHASE,
        ONE_PHASE_WITH_WRITES, PEER_STATE, PEER_COMMITTED, STATUS_ABORTED, RESOLVE, TICK, SWEEP, RESTART
    }

    record Step(Op op, int tx, int key) {}

    private static final CoreConfig CONFIG = new CoreConfig("p", 50, 200, 10, 100, 100, 8, 500);

    @Provide
    Arbitrary<List<Step>> schedules() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.of(Op.class), Arbitraries.integers().between(1, 5), Arbitraries.integers().between(0, 2))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(80);
    }

    @Property(tries = 500)
    void replayingTheEmittedRecordsRebuildsTheLiveLedger(@ForAll("schedules") List<Step> schedule) {
        List<Outputs> history = new ArrayList<>();
        CoreHarness h = new CoreHarness(CONFIG, List.of());
        for (Step s : schedule) {
            if (s.op() == Op.RESTART) {
                history.addAll(h.all);
                long nowMs = h.nowMs;
                h = new CoreHarness(CONFIG, DurableModel.replay(history));
                h.nowMs = nowMs;
            } else {
                run(h, s);
            }
            List<Outputs> emitted = new ArrayList<>(history);
            emitted.addAll(h.all);
            BranchLedger.Durable rebuilt = ParticipantCore.recover(CONFIG, DurableModel.replay(emitted), h.nowMs,
                    new Random(1)).ledger.durable();
            assertThat(h.core.ledger.durable()).as("live ledger after %s", s).isEqualTo(rebuilt);
        }
    }

    private static void run(CoreHarness h, Step s) {
        TxId tx = CoreHarness.tx(s.tx());
        String key = "k" + s.key();
        long incarnation = h.core.view().incarnation();
        switch (s.op()) {
            case READ -> h.step(h.read(tx, key));
            case WRITE -> h.step(h.write(tx, key, "v" + s.tx()));
            case END_OP -> h.step(new Event.EndOp(h.nowMs, tx, 1, null));
            case ENLIST_OK -> h.step(Event.EnlistResult.ok(h.nowMs, tx, 1_000));
            case PREPARE -> h.step(new Event.Prepare(h.nowMs, h.token(), tx, List.of("p", "q"), "coord-1",
                    incarnation, Event.Verdict.OK));
            case PREPARE_WITH_WRITES -> h.step(new Event.Prepare(h.nowMs, h.token(), tx, List.of("p", "q"), "coord-1",
                    incarnation, Event.Verdict.OK, writes(s)));
            case VOTE_NO -> h.step(new Event.Prepare(h.nowMs, h.token(), tx, List.of("p", "q"), "coord-1",
                    incarnation, Event.Verdict.no("invalid")));
            case COMMIT -> h.step(new Event.Commit(h.nowMs, h.token(), tx));
            case ABORT -> h.step(new Event.Abort(h.nowMs, h.token(), tx));
            case ONE_PHASE -> h.step(new Event.CommitOnePhase(h.nowMs, h.token(), tx, incarnation, Event.Verdict.OK));
            case ONE_PHASE_WITH_WRITES -> h.step(new Event.CommitOnePhase(h.nowMs, h.token(), tx, incarnation,
                    Event.Verdict.OK, writes(s)));
            case PEER_STATE -> h.step(new Event.PeerState(h.nowMs, h.token(), tx, "q"));
            case PEER_COMMITTED -> h.step(new Event.PeerReplied(h.nowMs, tx, "q", BranchState.COMMITTED, null));
            case STATUS_ABORTED -> h.step(new Event.CoordinatorStatus(h.nowMs, tx, TxState.ABORTED, null));
            case RESOLVE -> h.step(new Event.Resolve(h.nowMs, h.token(), tx, s.key() == 0, "alice"));
            case TICK -> {
                h.nowMs += 60;
                for (Timer.Request r : h.last.timers()) h.step(new Event.TimerFired(h.nowMs, r.timer()));
            }
            case SWEEP -> {
                h.nowMs += 150;
                h.fire(new Timer.OutcomeSweep());
            }
            case RESTART -> throw new IllegalArgumentException("the property restarts the harness itself");
        }
    }

    private static List<Write> writes(Step s) {
        Key k = Key.utf8("k" + s.key());
        return List.of(Write.put(k, new byte[] {(byte) s.tx()}));
    }
}
