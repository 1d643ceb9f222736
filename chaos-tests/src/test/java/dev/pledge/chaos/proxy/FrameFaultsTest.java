package dev.pledge.chaos.proxy;

import dev.pledge.chaos.check.OutcomeProbe;
import dev.pledge.chaos.check.Seen;
import dev.pledge.chaos.check.TxVerdict;
import dev.pledge.client.CommitResult;
import dev.pledge.client.InDoubtException;
import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.demo.launch.ClusterProbe;
import dev.pledge.rpc.Endpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Message-level faults that containers cannot make, between real Thrift nodes: a frame-aware proxy
 * on every link corrupts, duplicates, delays and reorders whole frames. Whatever it does, nodes
 * stay up, a corrupted frame changes nothing, a duplicate takes effect once, a late reply to an
 * abandoned call is never taken for another call's answer, and every transaction ends one way
 * at the coordinator and at every participant.
 */
class FrameFaultsTest {
    private static final Duration TX_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration SETTLE = Duration.ofSeconds(30);
    /** Per client thread in the mixed test: one private write and one contended increment each. */
    private static final int ROUNDS = 8;

    @TempDir
    Path root;

    private ProxiedCluster cluster;
    private ClusterProbe admin;

    @BeforeEach
    void start() throws Exception {
        cluster = ProxiedCluster.start(root);
        admin = new ClusterProbe();
    }

    @AfterEach
    void stop() {
        if (admin != null) admin.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void corruptedRequestsAreRejectedAndChangeNothing() throws Exception {
        for (Corruption c : Corruption.values()) {
            // Phase one (and two) travel in "exchange" calls from the coordinator to each participant.
            cluster.coordinatorTo(ProxiedCluster.A).plan(corruptEvery(Direction.REQUEST, "exchange", c));
            long before = cluster.coordinatorTo(ProxiedCluster.A).counters().frames(FrameAction.Kind.CORRUPT);
            Attempt t = writeBoth(key("req-" + c), "v");

            assertThat(cluster.coordinatorTo(ProxiedCluster.A).counters().frames(FrameAction.Kind.CORRUPT))
                    .as("prepare frames corrupted with %s", c).isGreaterThan(before);
            assertThat(t.seen()).as("A never got a readable prepare (%s), so nothing can commit", c).isEqualTo(Seen.ABORTED);
            cluster.healAll();
            settleAndAgree(List.of(t));
            assertThat(read(ProxiedCluster.A, key("req-" + c))).as("A after %s", c).isNull();
            assertThat(read(ProxiedCluster.B, key("req-" + c))).as("B after %s", c).isNull();
        }
        everyNodeStillServes();
    }

    @Test
    void corruptedRepliesNeverSplitAnOutcome() throws Exception {
        for (Corruption c : Corruption.values()) {
            if (!c.detectableIn(Direction.REPLY)) continue;
            // A prepares and votes YES, but its vote arrives unreadable. The missing vote decides
            // nothing (implicit commit): the coordinator asks A to refuse if it has not voted
            // (peerState, not garbled), hears its durable yes, and the transaction commits at both.
            cluster.coordinatorTo(ProxiedCluster.A).plan(corruptEvery(Direction.REPLY, "exchange", c));
            Attempt t = writeBoth(key("reply-" + c), "v");
            assertThat(t.seen()).as("vote unreadable (%s)", c).isEqualTo(Seen.COMMITTED);
            cluster.healAll();
            settleAndAgree(List.of(t));
            assertThat(read(ProxiedCluster.A, key("reply-" + c))).isEqualTo("v");
            assertThat(read(ProxiedCluster.B, key("reply-" + c))).isEqualTo("v");
        }
        // A's replies garbled half the time. A lost vote is asked for again; a lost commit
        // acknowledgement (phase two rides in the same calls) is delivered again until one is read.
        cluster.coordinatorTo(ProxiedCluster.A).plan(SeededFaults.seeded(11).corrupt(0.5).only(Direction.REPLY)
                .methodsContaining("exchange").build());
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < 10; i++) attempts.add(writeBoth(key("ack-" + i), "v" + i));
        assertThat(attempts).extracting(Attempt::seen).containsAnyOf(Seen.COMMITTED)
                .allMatch(seen -> seen == Seen.COMMITTED || seen == Seen.ABORTED);
        cluster.healAll();
        settleAndAgree(attempts);
        for (int i = 0; i < 10; i++) {
            String expected = attempts.get(i).seen() == Seen.COMMITTED ? "v" + i : null;
            assertThat(read(ProxiedCluster.A, key("ack-" + i))).isEqualTo(expected);
            assertThat(read(ProxiedCluster.B, key("ack-" + i))).isEqualTo(expected);
        }
        everyNodeStillServes();
    }

    @Test
    void duplicatedRequestsTakeEffectOnce() throws Exception {
        FaultPlan duplicateAll = (d, m) -> d == Direction.REQUEST ? FrameAction.duplicate() : FrameAction.pass();
        cluster.allProxies().forEach(p -> p.plan(duplicateAll));
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < 20; i++) attempts.add(incrementBoth(key("counter")));

        long duplicated = cluster.allProxies().stream().mapToLong(p -> p.counters().frames(FrameAction.Kind.DUPLICATE)).sum();
        assertThat(duplicated).as("requests duplicated").isGreaterThanOrEqualTo(20 * 6);
        cluster.healAll();
        settleAndAgree(attempts);
        long committed = attempts.stream().filter(a -> a.seen() == Seen.COMMITTED).count();
        assertThat(committed).as("transactions committed under duplication").isPositive();
        // Each committed transaction added one; a duplicate applied twice, or an aborted one applied, would show.
        assertThat(read(ProxiedCluster.A, key("counter"))).isEqualTo(Long.toString(committed));
        assertThat(read(ProxiedCluster.B, key("counter"))).isEqualTo(Long.toString(committed));
        everyNodeStillServes();
    }

    @Test
    void lateRepliesToAbandonedCallsAreIgnored() throws Exception {
        // About a third of the replies on each link arrive after the coordinator's call gave up on them.
        cluster.coordinatorTo(ProxiedCluster.A).plan(lateSometimes(new Random(5)));
        cluster.coordinatorTo(ProxiedCluster.B).plan(lateSometimes(new Random(6)));
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < 12; i++) attempts.add(writeBoth(key("late-" + i), "v" + i));

        assertThat(cluster.coordinatorTo(ProxiedCluster.A).counters().frames(FrameAction.Kind.DELAY)).isPositive();
        cluster.healAll();
        List<Attempt> settled = settleAndAgree(attempts);
        assertThat(settled).extracting(Attempt::finalState).contains(TxState.COMMITTED);
        for (int i = 0; i < settled.size(); i++) {
            String expected = settled.get(i).finalState() == TxState.COMMITTED ? "v" + i : null;
            assertThat(read(ProxiedCluster.A, key("late-" + i))).as("late-%s at A", i).isEqualTo(expected);
            assertThat(read(ProxiedCluster.B, key("late-" + i))).as("late-%s at B", i).isEqualTo(expected);
        }
        everyNodeStillServes();
    }

    @Test
    void concurrentTransactionsStayAtomicUnderDelayReorderDuplicateAndCorruption() throws Exception {
        long seed = 20_26;
        int i = 0;
        for (FrameProxy p : cluster.allProxies()) {
            p.plan(SeededFaults.seeded(seed + i++).delay(0.15, 300).reorder(0.15).duplicate(0.1).corrupt(0.03).build());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<List<Attempt>>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                List<Attempt> mine = new ArrayList<>();
                for (int n = 0; n < ROUNDS; n++) {
                    mine.add(writeBoth(key("mix-" + thread + "-" + n), "v" + n));
                    mine.add(incrementBoth(key("hot-" + (n % 2))));
                }
                return mine;
            }));
        }
        List<Attempt> all = new ArrayList<>();
        for (Future<List<Attempt>> f : futures) all.addAll(f.get());
        pool.shutdown();

        long faults = cluster.allProxies().stream().mapToLong(p -> p.counters().frames(FrameAction.Kind.DELAY)
                + p.counters().frames(FrameAction.Kind.REORDER) + p.counters().frames(FrameAction.Kind.DUPLICATE)
                + p.counters().frames(FrameAction.Kind.CORRUPT)).sum();
        assertThat(faults).as("frames faulted").isGreaterThan(20);
        cluster.healAll();
        List<Attempt> settled = settleAndAgree(all);
        for (int t = 0; t < 4; t++) {
            for (int n = 0; n < ROUNDS; n++) {
                Attempt a = settled.get(t * 2 * ROUNDS + 2 * n);
                String expected = a.finalState() == TxState.COMMITTED ? "v" + n : null;
                assertThat(read(ProxiedCluster.A, key("mix-" + t + "-" + n))).as("%s at A", a).isEqualTo(expected);
                assertThat(read(ProxiedCluster.B, key("mix-" + t + "-" + n))).as("%s at B", a).isEqualTo(expected);
            }
        }
        long hotCommitted = settled.stream().filter(a -> a.key().startsWith("hot-") && a.finalState() == TxState.COMMITTED).count();
        long hotAtA = 0;
        for (int h = 0; h < 2; h++) {
            String v = read(ProxiedCluster.A, key("hot-" + h));
            assertThat(v).as("hot-%s at B equals A", h).isEqualTo(read(ProxiedCluster.B, key("hot-" + h)));
            hotAtA += v == null ? 0 : Long.parseLong(v);
        }
        assertThat(hotAtA).as("increments that committed, counted in the data").isEqualTo(hotCommitted);
        everyNodeStillServes();
    }

    // ---- transactions

    /** One transaction and what its client saw; {@code finalState} is filled in after settling. */
    record Attempt(String key, TxId id, Seen seen, TxState finalState) {
        Attempt settled(TxState s) {
            return new Attempt(key, id, seen, s);
        }
    }

    private Attempt writeBoth(byte[] key, String value) {
        return run(key, tx -> {
            tx.kv(cluster.participant(ProxiedCluster.A)).put(key, bytes(value));
            tx.kv(cluster.participant(ProxiedCluster.B)).put(key, bytes(value));
        });
    }

    /** Read-modify-write of a decimal counter at both participants, so a double apply would show. */
    private Attempt incrementBoth(byte[] key) {
        return run(key, tx -> {
            for (String p : ProxiedCluster.PARTICIPANTS) {
                byte[] v = tx.kv(cluster.participant(p)).get(key);
                long n = v == null ? 0 : Long.parseLong(new String(v, StandardCharsets.UTF_8));
                tx.kv(cluster.participant(p)).put(key, bytes(Long.toString(n + 1)));
            }
        });
    }

    private interface Body {
        void run(Transaction tx) throws Exception;
    }

    private Attempt run(byte[] key, Body body) {
        String name = new String(key, StandardCharsets.UTF_8);
        PledgeClient client = cluster.client();
        Transaction tx;
        try {
            tx = client.begin(TX_TIMEOUT);
        } catch (Exception e) {
            throw new AssertionError("begin goes to the coordinator directly and must work", e);
        }
        try (tx) {
            try {
                body.run(tx);
            } catch (Exception e) {
                return new Attempt(name, tx.id(), Seen.ABORTED, null); // commit never asked; close() aborts
            }
            try {
                CommitResult r = tx.commit();
                return new Attempt(name, tx.id(), r.committed() ? Seen.COMMITTED : Seen.ABORTED, null);
            } catch (InDoubtException e) {
                return new Attempt(name, tx.id(), Seen.IN_DOUBT, null);
            } catch (Exception e) {
                return new Attempt(name, tx.id(), Seen.IN_DOUBT, null);
            }
        }
    }

    /**
     * With every proxy healed: waits until no branch is in doubt, then checks every transaction at
     * the coordinator and at both participants (directly, past the proxies). Returns them with their final state.
     */
    private List<Attempt> settleAndAgree(List<Attempt> attempts) throws Exception {
        List<Endpoint> direct = List.of(cluster.direct(ProxiedCluster.A), cluster.direct(ProxiedCluster.B));
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> admin.inDoubtTotal(direct) == 0);
        List<Attempt> settled = new ArrayList<>();
        List<String> violations = new ArrayList<>();
        try (OutcomeProbe probe = cluster.probe()) {
            for (Attempt a : attempts) {
                TxVerdict[] v = new TxVerdict[1];
                // The coordinator may still be delivering an abort it decided; a verdict is final once it agrees.
                await().atMost(SETTLE).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                        .until(() -> (v[0] = probe.verdict(a.id(), a.seen(), ProxiedCluster.PARTICIPANTS, true)).consistent());
                if (!v[0].consistent()) violations.add(a.key() + ": " + v[0]);
                settled.add(a.settled(v[0].decision()));
            }
        }
        assertThat(violations).isEmpty();
        return Collections.unmodifiableList(settled);
    }

    private String read(String participant, byte[] key) throws Exception {
        String[] value = new String[1];
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
            try (Transaction tx = cluster.client().begin(TX_TIMEOUT)) {
                byte[] v = tx.kv(cluster.direct(participant)).get(key);
                if (!tx.commit().committed()) return false;
                value[0] = v == null ? null : new String(v, StandardCharsets.UTF_8);
                return true;
            }
        });
        return value[0];
    }

    private void everyNodeStillServes() throws Exception {
        for (String p : ProxiedCluster.PARTICIPANTS) {
            assertThat(admin.pingParticipant(cluster.direct(p)).getNodeId()).isEqualTo(p);
            assertThat(admin.inDoubt(cluster.direct(p))).as("in doubt at %s", p).isEmpty();
        }
        Attempt after = writeBoth(key("after-" + System.nanoTime()), "ok");
        assertThat(after.seen()).as("a clean transaction after the faults").isEqualTo(Seen.COMMITTED);
    }

    private static FaultPlan lateSometimes(Random random) {
        return (d, m) -> {
            synchronized (random) {
                return d == Direction.REPLY && random.nextDouble() < 0.3
                        ? FrameAction.delay(3 * ProxiedCluster.PARTICIPANT_CALL_MS) : FrameAction.pass();
            }
        };
    }

    private static FaultPlan corruptEvery(Direction direction, String method, Corruption c) {
        return (d, m) -> d == direction && m.contains(method) ? FrameAction.corrupt(c) : FrameAction.pass();
    }

    private static byte[] key(String name) {
        return bytes(name);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
