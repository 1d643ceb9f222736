package dev.pledge.mitigation;

import static dev.pledge.mitigation.MitigationCluster.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pledge.client.BufferedTransaction;
import dev.pledge.client.CommitResult;
import dev.pledge.client.Transaction;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.InDoubtBranch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Buffered write-only commits on real processes that crash: the coordinator halting right after
 * its COMMIT record is durable, and a participant SIGKILLed under load. What the client was told
 * COMMITTED must be applied at every participant, exactly once; nothing may be half applied.
 */
class BufferedCommitCrashTest extends ProcessScenario {
    private static final List<String> IDS = List.of("A", "B");
    private static final Duration TX_TIMEOUT = Duration.ofSeconds(60);
    private static final String COMMIT_SYNCED = "coordinator.commit.written";
    private static final String PREPARED_SYNCED = "participant.prepared.synced";

    @Test
    void aCommitRetriedAcrossACoordinatorCrashAfterCommitIsDurableJoinsTheFirstAttemptAndAppliesOnce() throws Exception {
        c = MitigationCluster.started(root, IDS, List.of(), MitigationCluster.fastPolling(), COMMIT_SYNCED + "=halt");
        byte[] key = bytes("k");
        BufferedTransaction tx = c.client.beginBuffered(TX_TIMEOUT)
                .put("A", key, bytes("a")).put("B", key, bytes("b"));
        CompletableFuture<CommitResult> outcome = commitAsync(tx);

        c.awaitFailpoint(COMMIT_SYNCED);
        await().atMost(MitigationCluster.START_WAIT).until(() -> !c.node(LocalCluster.COORDINATOR).alive());
        assertThat(outcome).as("the client never heard the first attempt's answer").isNotDone();
        // Both branches voted YES before COMMIT was written; with the coordinator gone they stay in doubt.
        TxId first = onlyInDoubt("A");
        assertThat(onlyInDoubt("B")).isEqualTo(first);

        c.cluster.startCoordinator();
        CommitResult result = outcome.get(MitigationCluster.RESOLVE_WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(result.state()).isEqualTo(TxState.COMMITTED);
        assertThat(tx.id()).as("the retry joined the first attempt").contains(first);
        assertThat(c.client.status(first).state()).isEqualTo(TxState.COMMITTED);
        await().atMost(MitigationCluster.RESOLVE_WAIT).ignoreExceptions()
                .until(() -> counter("A", "branches.committed") == 1 && counter("B", "branches.committed") == 1);
        // A second run of the same writes would be a second branch: prepared and committed again.
        for (String p : IDS) {
            assertThat(counter(p, "branches.prepared")).as("%s prepared once", p).isEqualTo(1);
            assertThat(counter(p, "branches.committed")).as("%s applied once", p).isEqualTo(1);
            assertThat(c.inDoubt(p, true)).as("%s has nothing in doubt", p).isEmpty();
        }
        c.awaitValue("A", key, bytes("a"));
        c.awaitValue("B", key, bytes("b"));
    }

    @Test
    void aParticipantKilledUnderBufferedLoadLeavesEveryCommittedWriteOnBothAndNoneHalfApplied() throws Exception {
        c = MitigationCluster.started(root, IDS, List.of("--participant-call-timeout-ms", "1000"),
                MitigationCluster.fastPolling());
        Load load = new Load(8, 20_000);
        load.start();
        try {
            load.awaitCommitted(100);
            long failedBefore = coordinatorCounter("participant.calls_failed");
            // B freezes, then dies: some prepares must reach it that it never reads. Once more calls
            // to it failed than can have been in flight when it froze (two per lane and one extra
            // for a prepare), one carried prepares B never read; their transactions ask B to refuse,
            // which it does once back, so some commits are refused. (A crash alone at a random
            // moment could leave only prepares B had made durable, and no refusal to check.)
            c.node("B").pause();
            await().atMost(MitigationCluster.RESOLVE_WAIT)
                    .until(() -> coordinatorCounter("participant.calls_failed") > failedBefore + 3);
            c.node("B").kill9();
            long beforeRestart = load.committed.sum();
            c.cluster.startParticipant("B");
            load.awaitCommitted(beforeRestart + 100);
        } finally {
            load.stop();
        }

        Map<String, Outcome> outcomes = load.outcomes;
        System.out.println("BUFFERED-PARTICIPANT-KILL commits=" + outcomes.size() + " committed=" + load.committed.sum()
                + " aborted=" + outcomes.values().stream().filter(o -> o == Outcome.ABORTED).count()
                + " unknown=" + outcomes.values().stream().filter(o -> o == Outcome.UNKNOWN).count());
        assertThat(outcomes.values()).as("some commits were refused while B was down").contains(Outcome.ABORTED);
        // In-doubt branches (B's recovered ones included) learn their outcome; then reads never wait on a lock.
        await().atMost(MitigationCluster.RESOLVE_WAIT).ignoreExceptions()
                .until(() -> c.inDoubt("A", false).isEmpty() && c.inDoubt("B", false).isEmpty());
        Map<String, byte[]> atA = readAll("A", outcomes.keySet());
        Map<String, byte[]> atB = readAll("B", outcomes.keySet());
        for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
            String key = e.getKey();
            byte[] a = atA.get(key);
            byte[] b = atB.get(key);
            assertThat(a).as("%s (%s) is the same at A and B", key, e.getValue()).isEqualTo(b);
            switch (e.getValue()) {
                case COMMITTED -> assertThat(a).as("committed %s at both", key).isEqualTo(bytes(key));
                case ABORTED -> assertThat(a).as("aborted %s nowhere", key).isNull();
                case UNKNOWN -> { } // in doubt for the client: all or nothing is all we may ask
            }
        }
    }

    @Test
    void aParticipantHaltedAfterItsBatchedPrepareIsDurableResolvesTheBranchTheWayTheClientWasTold() throws Exception {
        c = new MitigationCluster(root, IDS, List.of(), MitigationCluster.fastPolling());
        c.cluster.startCoordinator();
        c.cluster.startParticipant("A");
        c.cluster.startParticipant("B", PREPARED_SYNCED + "=halt");
        byte[] key = bytes("k");
        BufferedTransaction tx = c.client.beginBuffered(TX_TIMEOUT).put("A", key, bytes("a")).put("B", key, bytes("b"));
        CompletableFuture<CommitResult> outcome = commitAsync(tx);

        c.node("B").awaitLine(Pattern.compile("FAILPOINT " + PREPARED_SYNCED + " reached"),
                MitigationCluster.START_WAIT);
        await().atMost(MitigationCluster.START_WAIT).until(() -> !c.node("B").alive());
        c.cluster.startParticipant("B");

        CommitResult result = outcome.get(MitigationCluster.RESOLVE_WAIT.toSeconds(), TimeUnit.SECONDS);
        TxId id = tx.id().orElseThrow();
        System.out.println("BUFFERED-PREPARED-HALT " + id + " " + result.state() + ": " + result.message());
        assertThat(c.client.status(id).state()).as("the answer is the decision").isEqualTo(result.state());
        // B's PREPARED record survived the halt: it re-took the lock and asks for the outcome.
        await().atMost(MitigationCluster.RESOLVE_WAIT).ignoreExceptions()
                .until(() -> c.inDoubt("A", false).isEmpty() && c.inDoubt("B", false).isEmpty());
        boolean committed = result.state() == TxState.COMMITTED;
        c.awaitValue("A", key, committed ? bytes("a") : null);
        c.awaitValue("B", key, committed ? bytes("b") : null);
    }

    private enum Outcome { COMMITTED, ABORTED, UNKNOWN }

    /** Threads committing buffered writes of one fresh key at both participants, until stopped. */
    private final class Load {
        final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
        final LongAdder committed = new LongAdder();
        private final int threads;
        private final int commitsPerThreadMax;
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final ExecutorService pool;
        private final List<Future<?>> running = new ArrayList<>();

        Load(int threads, int commitsPerThreadMax) {
            this.threads = threads;
            this.commitsPerThreadMax = commitsPerThreadMax;
            this.pool = Executors.newFixedThreadPool(threads);
        }

        void start() {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                running.add(pool.submit(() -> {
                    for (int i = 0; i < commitsPerThreadMax && !stopping.get(); i++) commitOne("L-" + thread + "-" + i);
                }));
            }
        }

        private void commitOne(String key) {
            Outcome o;
            try {
                CommitResult r = c.client.beginBuffered(TX_TIMEOUT).put("A", bytes(key), bytes(key))
                        .put("B", bytes(key), bytes(key)).commit();
                o = r.state() == TxState.COMMITTED ? Outcome.COMMITTED : Outcome.ABORTED;
            } catch (Exception e) {
                o = Outcome.UNKNOWN; // in doubt, or the call failed: the client does not know
            }
            if (o == Outcome.COMMITTED) committed.increment();
            outcomes.put(key, o);
        }

        void awaitCommitted(long atLeast) {
            await().atMost(MitigationCluster.RESOLVE_WAIT).until(() -> committed.sum() >= atLeast || allDone());
            assertThat(committed.sum()).as("the load kept committing").isGreaterThanOrEqualTo(atLeast);
        }

        private boolean allDone() {
            return running.stream().allMatch(Future::isDone);
        }

        void stop() throws Exception {
            stopping.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(TX_TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS)).isTrue();
            for (Future<?> f : running) f.get();
        }
    }

    /** Every key's value at {@code participant}, read in one transaction (nothing may be in doubt). */
    private Map<String, byte[]> readAll(String participant, Iterable<String> keys) throws Exception {
        Map<String, byte[]> values = new HashMap<>();
        try (Transaction reader = c.client.begin(Duration.ofSeconds(120))) {
            for (String key : keys) {
                byte[] v = reader.kv(c.participant(participant)).get(bytes(key));
                if (v != null) values.put(key, v);
            }
            reader.commit();
        }
        return values;
    }

    private static CompletableFuture<CommitResult> commitAsync(BufferedTransaction tx) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return tx.commit();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private TxId onlyInDoubt(String participant) throws Exception {
        List<InDoubtBranch> branches = c.inDoubt(participant, false);
        assertThat(branches).as("in doubt at %s", participant).hasSize(1);
        return Wire.fromWire(branches.get(0).getTxId());
    }

    private long coordinatorCounter(String name) throws Exception {
        return counter(c.cluster.coordinator(), name);
    }

    private long counter(String participant, String name) throws Exception {
        return counter(c.participant(participant), name);
    }

    private long counter(Endpoint node, String name) throws Exception {
        return c.stats(node).getOrDefault(name, 0L);
    }
}
