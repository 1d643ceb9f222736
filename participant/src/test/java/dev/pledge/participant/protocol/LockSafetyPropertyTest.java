package dev.pledge.participant.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever the interleaving, the core never lets two transactions hold conflicting locks. */
class LockSafetyPropertyTest {

    enum Op { READ, READ_FOR_UPDATE, WRITE, END_OP, ENLIST_OK, PREPARE, COMMIT, ABORT, PEER_STATE, RESOLVE, TICK }

    record Step(Op op, int tx, int key) {}

    @Provide
    Arbitrary<List<Step>> schedules() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.of(Op.class), Arbitraries.integers().between(1, 4), Arbitraries.integers().between(0, 2))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(80);
    }

    @Property(tries = 500)
    void randomInterleavingsNeverGrantConflictingLocks(@ForAll("schedules") List<Step> schedule) {
        CoreHarness h = new CoreHarness(new CoreConfig("p", 50, 60_000, 10, 100, 100, 8, 500), List.of());
        Map<Long, Event.Access> accesses = new HashMap<>();
        for (Step s : schedule) {
            run(h, s, accesses);
            assertLocksCompatible(h);
            assertPreparedHoldOnlyTheirWrites(h);
            assertGrantedAccessesHoldTheirLock(h, accesses);
        }
    }

    /**
     * A Granted reply leaves its transaction holding the key in a mode that covers the access, unless
     * a later access of the same step aborted the branch (then nothing it read can commit).
     */
    private static void assertGrantedAccessesHoldTheirLock(CoreHarness h, Map<Long, Event.Access> accesses) {
        for (Reply r : h.last.replies()) {
            if (!(r instanceof Reply.Granted)) continue;
            Event.Access a = accesses.get(r.token());
            LockMode held = h.core.view().locksHeldBy(a.txId()).get(a.key());
            if (h.core.view().branchState(a.txId()) == BranchState.ABORTED) continue;
            assertThat(held).as("lock of %s on %s when granted", a.txId(), a.key()).isNotNull();
            if (a.mode() != Event.AccessMode.READ) assertThat(held).isEqualTo(LockMode.EXCLUSIVE);
        }
    }

    private static void run(CoreHarness h, Step s, Map<Long, Event.Access> accesses) {
        TxId tx = CoreHarness.tx(s.tx());
        String key = "k" + s.key();
        switch (s.op()) {
            case READ -> access(h, h.read(tx, key), accesses);
            case READ_FOR_UPDATE -> access(h, new Event.Access(h.nowMs, h.token(), tx, 1, Key.utf8(key),
                    Event.AccessMode.READ_FOR_UPDATE, null), accesses);
            case WRITE -> access(h, h.write(tx, key, "v" + s.tx()), accesses);
            case END_OP -> h.step(new Event.EndOp(h.nowMs, tx, 1, null));
            case RESOLVE -> h.step(new Event.Resolve(h.nowMs, h.token(), tx, s.key() == 0, "alice"));
            case ENLIST_OK -> h.step(Event.EnlistResult.ok(h.nowMs, tx, 1_000));
            case PREPARE -> h.step(new Event.Prepare(h.nowMs, h.token(), tx, List.of("p"), "coord-1",
                    h.core.view().incarnation(), Event.Verdict.OK));
            case COMMIT -> h.step(new Event.Commit(h.nowMs, h.token(), tx));
            case ABORT -> h.step(new Event.Abort(h.nowMs, h.token(), tx));
            case PEER_STATE -> h.step(new Event.PeerState(h.nowMs, h.token(), tx, "q"));
            case TICK -> {
                h.nowMs += 60;
                for (Timer.Request r : h.last.timers()) h.step(new Event.TimerFired(h.nowMs, r.timer()));
            }
        }
    }

    private static void access(CoreHarness h, Event.Access a, Map<Long, Event.Access> accesses) {
        accesses.put(a.token(), a);
        h.step(a);
    }

    private static void assertLocksCompatible(CoreHarness h) {
        for (Key k : h.core.view().lockedKeys()) {
            Map<TxId, LockMode> holders = h.core.view().lockHolders(k);
            if (holders.containsValue(LockMode.EXCLUSIVE)) {
                assertThat(holders).as("an exclusive lock on %s is held alone", k).hasSize(1);
            }
        }
    }

    private static void assertPreparedHoldOnlyTheirWrites(CoreHarness h) {
        for (int i = 1; i <= 4; i++) {
            TxId tx = CoreHarness.tx(i);
            if (h.core.view().branchState(tx) != BranchState.PREPARED) continue;
            assertThat(h.core.view().locksHeldBy(tx)).allSatisfy((k, m) -> assertThat(m).isEqualTo(LockMode.EXCLUSIVE));
            assertThat(h.core.view().locksHeldBy(tx).keySet())
                    .containsExactlyInAnyOrderElementsOf(h.core.view().writeSet(tx).stream().map(Write::key).toList());
        }
    }
}
