package dev.pledge.chaos.cluster;

import dev.pledge.chaos.check.OutcomeProbe;
import dev.pledge.chaos.check.Seen;
import dev.pledge.chaos.check.TxVerdict;
import dev.pledge.client.PledgeClient;
import dev.pledge.core.TxState;
import dev.pledge.demo.client.OpResult;
import dev.pledge.demo.domain.Audit;
import dev.pledge.demo.domain.Records;
import dev.pledge.rpc.RpcClientConfig;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.awaitility.Awaitility.await;

/**
 * The checks after the last heal, with the workload stopped:
 * <ol>
 * <li>quiesce: no branch in doubt at any participant, and a serializable snapshot can be read;</li>
 * <li>the auditor is clean on that snapshot;</li>
 * <li>per transaction: the coordinator's final state agrees with what the client saw (an in-doubt
 *     one may be either), and every participant it touched ended the same way: so every COMMITTED
 *     is committed at each of them, no ABORTED is committed anywhere, every in-doubt one resolved
 *     one way everywhere;</li>
 * <li>per (student, course): the final data match the committed history ({@link EnrollmentLedger});</li>
 * <li>no lock is held ({@link LockCheck}), and still no branch is in doubt.</li>
 * </ol>
 */
final class ClusterChecker {
    static final Duration QUIESCE_BOUND = Duration.ofSeconds(120);
    /** Participants keep OUTCOME records 10 minutes; older branches can no longer be asked honestly. */
    private static final long BRANCH_ASK_AGE_MS_MAX = 8 * 60_000;
    private static final int ASKERS = 6;

    private final ChaosCluster cluster;
    private final PledgeClient client;
    private final ResolutionWatch watch;

    ClusterChecker(ChaosCluster cluster, PledgeClient client, ResolutionWatch watch) {
        this.cluster = cluster;
        this.client = client;
        this.watch = watch;
    }

    CheckReport check(List<OpRecord> records, long healNs) throws Exception {
        CheckReport report = new CheckReport();
        Snapshot[] snapshot = new Snapshot[1];
        try {
            await().atMost(QUIESCE_BOUND).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> {
                Set<dev.pledge.wire.TxId> inDoubt = watch.inDoubtNow();
                return inDoubt != null && inDoubt.isEmpty() && (snapshot[0] = Snapshot.read(client, cluster.topology())) != null;
            });
            report.quiesceMs = (System.nanoTime() - healNs) / 1_000_000;
        } catch (ConditionTimeoutException e) {
            report.violation("quiesce", "branches still in doubt or no consistent read " + QUIESCE_BOUND + " after the last heal: "
                    + watch.inDoubtNow());
            return report;
        }
        Audit.Result audit = Audit.check(snapshot[0].students(), snapshot[0].courses());
        audit.violations().forEach(v -> report.violation("auditor", v));
        report.covered("enrollments in final data", audit.enrollments());

        EnrollmentLedger ledger = new EnrollmentLedger();
        verdicts(records, report, ledger);
        ledger.check(snapshot[0]).forEach(v -> report.violation("history vs data", v));
        report.covered("(student, course) pairs with a committed history", ledger.pairs());

        locks(records, report);
        Set<dev.pledge.wire.TxId> left = watch.inDoubtNow();
        if (left == null || !left.isEmpty()) report.violation("in doubt", "after the checks: " + (left == null ? "a participant did not answer" : left));
        return report;
    }

    private void verdicts(List<OpRecord> records, CheckReport report, EnrollmentLedger ledger) throws Exception {
        Map<String, List<dev.pledge.rpc.Endpoint>> participants = cluster.participantEndpoints();
        long nowMs = System.currentTimeMillis();
        ExecutorService pool = Executors.newFixedThreadPool(ASKERS);
        RpcClientConfig asCoordinator = cluster.clientConfig(cluster.coordinatorId(), RpcClientConfig.defaults());
        try (OutcomeProbe probe = OutcomeProbe.ofReplicas(client, participants, asCoordinator)) {
            List<Future<TxVerdict>> futures = new ArrayList<>();
            List<OpRecord> asked = new ArrayList<>();
            for (OpRecord r : records) {
                if (r.result().txId() == null) continue; // begin failed: no transaction exists
                boolean askBranches = nowMs - r.endMs() < BRANCH_ASK_AGE_MS_MAX;
                futures.add(pool.submit(() -> probe.verdict(r.result().txId(), seen(r.result()), r.participants(), askBranches)));
                asked.add(r);
                if (askBranches) report.covered("transactions checked at every participant", 1);
                else report.covered("transactions checked at the coordinator only (older than branch retention)", 1);
            }
            for (int i = 0; i < futures.size(); i++) {
                TxVerdict v = futures.get(i).get();
                OpRecord r = asked.get(i);
                if (!v.consistent()) report.violation("transaction outcome", r.op() + " " + r.students() + " " + v);
                if (v.seen() == Seen.IN_DOUBT) report.inDoubtResolved(String.valueOf(v.decision()));
                if (v.decision() == TxState.COMMITTED) ledger.committed(r);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Seen seen(OpResult r) {
        return switch (r.kind()) {
            case COMMITTED -> Seen.COMMITTED;
            case IN_DOUBT -> Seen.IN_DOUBT;
            case ABORTED, REJECTED -> Seen.ABORTED;
        };
    }

    private void locks(List<OpRecord> records, CheckReport report) {
        Map<String, Set<Integer>> students = new LinkedHashMap<>();
        Set<Integer> courses = new TreeSet<>();
        for (OpRecord r : records) {
            for (int s : r.students()) students.computeIfAbsent(ChaosCluster.shardOf(s), k -> new TreeSet<>()).add(s);
            if (r.addedCourse() >= 0) courses.add(r.addedCourse());
            if (r.removedCourse() >= 0) courses.add(r.removedCourse());
        }
        long keys = 0;
        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, Set<Integer>> e : students.entrySet()) {
            List<byte[]> k = e.getValue().stream().map(Records::studentKey).toList();
            failed.addAll(LockCheck.rewriteAll(client, anyEndpoint(e.getKey()), k));
            keys += k.size();
        }
        List<byte[]> k = courses.stream().map(Records::courseKey).toList();
        failed.addAll(LockCheck.rewriteAll(client, anyEndpoint(EnrollmentContainers.COURSE_C), k));
        keys += k.size();
        failed.forEach(f -> report.violation("lock held", f));
        report.covered("touched keys rewritten by a fresh transaction", keys);
    }

    /** One endpoint of {@code participant}: the SDK follows a replica's leader hint from there. */
    private dev.pledge.rpc.Endpoint anyEndpoint(String participant) {
        return cluster.participantEndpoints().get(participant).get(0);
    }
}
