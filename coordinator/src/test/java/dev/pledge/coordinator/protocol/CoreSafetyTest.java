package dev.pledge.coordinator.protocol;

import static dev.pledge.coordinator.protocol.CoreHarness.A;
import static dev.pledge.coordinator.protocol.CoreHarness.B;
import static dev.pledge.coordinator.protocol.CoreHarness.C;
import static dev.pledge.coordinator.protocol.CoreHarness.NODE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.core.Vote;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random event orders, duplicates and crashes that keep the synced log and lose some unsynced
 * suffix: a decision once told never changes (I2), a committed transaction is never answered
 * ABORTED (I5), and no commit message leaves unless every participant voted yes (I3: implicit
 * commit, the votes are the decision). Participants answer consistently (one vote per branch), as
 * real ones do.
 */
class CoreSafetyTest {
    private static final int SEEDS = 200;
    private static final int STEPS_PER_RUN = 300;
    private static final String[] PIDS = {A, B, C};

    @Test
    void toldDecisionsNeverChangeUnderRandomOrdersDuplicatesAndCrashes() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            try {
                new Run(seed).go();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("reproduce with seed=" + seed + ": " + e.getMessage(), e);
            }
        }
    }

    private static final class Run {
        private final Random random;
        private final CoreHarness h = new CoreHarness(CoreConfig.of(NODE, Set.of(PIDS)).withRetentionMs(2_000));
        private final List<TxId> txs = new ArrayList<>();
        private final Map<TxId, TxState> told = new HashMap<>();
        private final Map<Long, TxId> tokenTx = new HashMap<>();
        private final Map<String, Vote> votes = new HashMap<>();
        private final Map<TxId, Event.OnePhaseOutcome> onePhase = new HashMap<>();
        private final Map<TxId, List<String>> members = new HashMap<>();
        private int syncedRecords = h.log.size();
        private long tokens = 1_000_000;

        Run(long seed) {
            random = new Random(seed);
        }

        void go() {
            for (int step = 0; step < STEPS_PER_RUN; step++) {
                h.nowMs += random.nextInt(200);
                if (txs.isEmpty() || random.nextInt(8) == 0) {
                    String[] pids = pick(1 + random.nextInt(3));
                    TxId tx = h.beginWith(pids);
                    txs.add(tx);
                    members.put(tx, List.of(pids));
                } else if (random.nextInt(40) == 0) {
                    crash();
                } else {
                    TxId tx = txs.get(random.nextInt(txs.size()));
                    Outputs o = h.step(randomEvent(tx, PIDS[random.nextInt(PIDS.length)]));
                    if (o.mustSync()) syncedRecords = h.log.size();
                    check(o);
                }
            }
        }

        private void crash() {
            int keep = syncedRecords + random.nextInt(h.log.size() - syncedRecords + 1);
            h.log.subList(keep, h.log.size()).clear();
            h.restart();
            syncedRecords = h.log.size();
            check(h.startup);
        }

        private String[] pick(int n) {
            List<String> all = new ArrayList<>(List.of(PIDS));
            Collections.shuffle(all, random);
            return all.subList(0, n).toArray(String[]::new);
        }

        private Event randomEvent(TxId tx, String pid) {
            long now = h.nowMs;
            long token = ++tokens;
            tokenTx.put(token, tx);
            return switch (random.nextInt(11)) {
                case 0, 1 -> new Event.Commit(now, token, tx);
                case 2 -> new Event.Abort(now, token, tx);
                case 3 -> new Event.Status(now, token, tx);
                case 4, 5 -> new Event.VoteReceived(now, tx, pid,
                        votes.computeIfAbsent(tx + "/" + pid, k -> Vote.values()[random.nextInt(3)]), null, "scripted");
                case 6 -> new Event.Acked(now, tx, pid);
                case 7 -> new Event.DeliveryFailed(now, tx, pid, "scripted");
                case 8 -> new Event.OnePhaseResult(now, tx, pid, random.nextBoolean() ? Event.OnePhaseOutcome.UNKNOWN
                        : onePhase.computeIfAbsent(tx, k -> random.nextBoolean()
                        ? Event.OnePhaseOutcome.COMMITTED : Event.OnePhaseOutcome.ABORTED));
                case 9 -> new Event.TimerFired(now + 40_000, new Timer.Deadline(now + 40_000));
                default -> new Event.TimerFired(now, random.nextBoolean() ? new Timer.Sweep()
                        : new Timer.DeliveryRetry(tx, pid));
            };
        }

        private void check(Outputs o) {
            for (Message m : o.messages()) {
                if (m instanceof Message.Commit) {
                    for (String pid : members.get(m.txId())) {
                        assertThat(votes.get(m.txId() + "/" + pid)).as("I3: commit message for %s: vote of %s", m.txId(), pid)
                                .isIn(Vote.YES, Vote.READ_ONLY);
                    }
                    remember(m.txId(), TxState.COMMITTED);
                } else if (m instanceof Message.Abort) {
                    remember(m.txId(), TxState.ABORTED);
                }
            }
            for (Reply r : o.replies()) {
                TxState state = r.value() instanceof Reply.OutcomeReply out ? out.state()
                        : r.value() instanceof Reply.StatusReply s ? s.state() : null;
                TxId tx = tokenTx.get(r.replyToken());
                if (tx != null && (state == TxState.COMMITTED || state == TxState.ABORTED)) remember(tx, state);
            }
            told.forEach((tx, decided) -> {
                h.core.decisionOf(tx).ifPresent(now -> assertThat(now).as("I2 for %s", tx).isEqualTo(decided));
                if (decided == TxState.COMMITTED && h.core.stateOf(tx).isEmpty()) {
                    assertThat(((Reply.StatusReply) h.status(tx)).state()).as("I5 for %s", tx)
                            .isNotEqualTo(TxState.ABORTED);
                }
            });
        }

        private void remember(TxId tx, TxState decision) {
            TxState before = told.putIfAbsent(tx, decision);
            assertThat(before == null || before == decision).as("I2: decision of %s was %s, now %s", tx, before, decision)
                    .isTrue();
        }
    }
}
