package dev.pledge.sim;

import dev.pledge.core.TxId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What disk losses (issue 18) do to the checker's expectations, and the damage rules. A node that
 * restarts on an empty data directory has lost every write, vote and decision it stored; the
 * checker neither fails blindly on that nor lets it pass silently.
 *
 * <ul>
 *   <li><b>Touched</b>: a participant voted YES on the transaction, or stored a branch of it, from a
 *       storage that was later lost. An atomicity check of what participants did or said (I1, I4,
 *       I2 for a participant's answer, the final applied-everywhere checks) that fails for a touched
 *       transaction is noted as <b>broken by a disk loss</b> instead of failing at once: the
 *       participant's old self is gone, and its new self answers for a transaction it never saw (an
 *       amnesiac answer, which its peers may act on). What the coordinator tells is never excused.</li>
 *   <li><b>Affected</b> (the word): decided COMMIT, and a YES voter's storage was lost before
 *       the branch's commit was durably applied there (an orphaned vote).</li>
 *   <li><b>DAMAGE, at the end</b>: every committed transaction that is affected or broken was reported
 *       damaged by the coordinator (its {@code damaged()} map, or the damage on a commit or status
 *       reply), or else it is "silently committed". One exception, counted: the coordinator lost its
 *       own records of the transaction (its disk was lost after it issued it). Then nobody holds the
 *       storage identity the YES vote came from, so nothing can tell the loss; the checker requires
 *       only what it requires of every transaction, that no client is told a wrong answer (I2, I5:
 *       the new coordinator says FORGOTTEN, never ABORTED).</li>
 *   <li><b>DAMAGE, at once</b>: a transaction reported damaged is touched (no false alarm). Touched,
 *       not only affected: a participant that applied a commit and lost its disk before its
 *       acknowledgement arrived is reported too. The coordinator cannot tell the two apart (the new
 *       storage acknowledges either way) and the committed writes are lost in both.</li>
 * </ul>
 */
final class DiskLosses {
    private static final TreeSet<Long> EMPTY = new TreeSet<>();
    /** Storage identities of participant disks that were lost. */
    private final TreeSet<Long> storagesLost = new TreeSet<>();
    /** tx -> participant -> storages on which it voted YES or stored a branch of tx. */
    private final TreeMap<TxId, TreeMap<String, TreeSet<Long>>> storagesTouched = new TreeMap<>();
    /** tx -> participant -> the storage its (first) YES vote came from. */
    private final TreeMap<TxId, TreeMap<String, Long>> yesStorage = new TreeMap<>();
    /** tx -> participants whose YES vote was orphaned: their storage was lost before it applied the commit. */
    private final TreeMap<TxId, TreeSet<String>> orphaned = new TreeMap<>();
    /**
     * tx -> participants whose branch will never apply its writes: orphaned, aborted on an amnesiac
     * answer under a commit, or blocked in doubt because the coordinator lost its records of tx.
     */
    private final TreeMap<TxId, TreeSet<String>> unappliedBranches = new TreeMap<>();
    /** tx -> the first atomicity check that failed because of a disk loss. */
    private final TreeMap<TxId, String> broken = new TreeMap<>();
    /** Transactions durably committed on a participant disk that was later lost. */
    private final TreeSet<TxId> committedOnLostDisk = new TreeSet<>();
    private final TreeSet<TxId> decisionsLost = new TreeSet<>();
    /** tx -> participant -> net change its branch makes to the bank (the client's plan). */
    private final TreeMap<TxId, TreeMap<String, Long>> plannedDeltas = new TreeMap<>();
    /** tx -> damage lines, as first reported by the coordinator. */
    private final TreeMap<TxId, List<String>> reported = new TreeMap<>();
    /** Epochs whose records are on the coordinator's current disk, and those whose disk was lost. */
    private final TreeSet<Long> epochsOnDisk = new TreeSet<>();
    private final TreeSet<Long> epochsLost = new TreeSet<>();
    /** Balances that were on participant disks when they were lost. */
    private long balancesLost;
    /**
     * Branches applied on a participant disk since lost, by transaction. A late prepare that carries
     * the writes can bear such a branch again on the new disk, and its commit there puts the
     * branch's planned change back into the bank: {@link #balancesRestored}.
     */
    private final TreeMap<TxId, TreeSet<String>> appliedOnLostDisk = new TreeMap<>();
    private long balancesRestored;
    private int participantDisksLost;

    // ---- what happened ----

    void onCoordinatorEpoch(long epoch) {
        epochsOnDisk.add(epoch);
    }

    void onCoordinatorDiskLost() {
        epochsLost.addAll(epochsOnDisk);
        epochsOnDisk.clear();
    }

    /**
     * {@code node} loses its disk (identity {@code storageId}, durable content {@code durable}, balances
     * as reads saw them {@code balances}); called before it is wiped.
     */
    void onParticipantDiskLost(String node, long storageId, ParticipantDiskState durable, long balances) {
        participantDisksLost++;
        storagesLost.add(storageId);
        balancesLost += balances;
        Set<TxId> committedHere = new TreeSet<>(durable.committed());
        committedOnLostDisk.addAll(committedHere);
        committedHere.forEach(tx -> appliedOnLostDisk.computeIfAbsent(tx, k -> new TreeSet<>()).add(node));
        yesStorage.forEach((tx, voters) -> {
            if (voters.getOrDefault(node, 0L) == storageId && !committedHere.contains(tx)) {
                orphaned.computeIfAbsent(tx, k -> new TreeSet<>()).add(node);
                unappliedBranches.computeIfAbsent(tx, k -> new TreeSet<>()).add(node);
            }
        });
    }

    void onVotedYes(TxId tx, String node, long storageId) {
        yesStorage.computeIfAbsent(tx, k -> new TreeMap<>()).putIfAbsent(node, storageId);
        touch(tx, node, storageId);
    }

    /** {@code node} stored a branch of {@code tx} (PREPARED, or its applied commit) on {@code storageId}. */
    void touch(TxId tx, String node, long storageId) {
        storagesTouched.computeIfAbsent(tx, k -> new TreeMap<>()).computeIfAbsent(node, k -> new TreeSet<>()).add(storageId);
    }

    /**
     * {@code node} applied its commit of {@code tx}: if a lost storage had voted on it, a branch born
     * again on the new one (a resent prepare carrying the writes) committed after all, and nothing is
     * lost; if a lost storage had applied it already, the branch's change is back in the bank.
     */
    void onApplied(TxId tx, String node) {
        TreeSet<String> before = appliedOnLostDisk.get(tx);
        if (before != null && before.remove(node)) {
            balancesRestored += plannedDeltas.getOrDefault(tx, new TreeMap<>()).getOrDefault(node, 0L);
            if (before.isEmpty()) appliedOnLostDisk.remove(tx);
        }
        for (TreeMap<TxId, TreeSet<String>> m : List.of(orphaned, unappliedBranches)) {
            TreeSet<String> nodes = m.get(tx);
            if (nodes != null && nodes.remove(node) && nodes.isEmpty()) m.remove(tx);
        }
    }

    /** The net change {@code tx}'s branch at {@code participant} makes to the bank if it commits. */
    void onPlanned(TxId tx, String participant, long delta) {
        plannedDeltas.computeIfAbsent(tx, k -> new TreeMap<>()).put(participant, delta);
    }

    // ---- what the checks ask ----

    boolean anyParticipantDiskLost() {
        return participantDisksLost > 0;
    }

    boolean anyCoordinatorDiskLost() {
        return !epochsLost.isEmpty();
    }

    /** Some participant of {@code tx} held it on a storage that was lost since. */
    boolean touched(TxId tx) {
        if (storagesLost.isEmpty() || !storagesTouched.containsKey(tx)) return false;
        for (TreeSet<Long> storages : storagesTouched.get(tx).values()) {
            for (long s : storages) if (storagesLost.contains(s)) return true;
        }
        return false;
    }

    /** {@code node} answers about {@code tx} from a new storage: the one that held tx is lost. */
    boolean amnesiac(String node, TxId tx) {
        if (storagesLost.isEmpty() || !storagesTouched.containsKey(tx)) return false;
        for (long s : storagesTouched.get(tx).getOrDefault(node, EMPTY)) {
            if (storagesLost.contains(s)) return true;
        }
        return false;
    }

    boolean committedOnLostDisk(TxId tx) {
        return committedOnLostDisk.contains(tx);
    }

    boolean isDecisionLost(TxId tx) {
        return decisionsLost.contains(tx);
    }

    /** A one-phase commit whose only trace was lost with its participant's disk before anyone heard it. */
    void decisionLost(World w, TxId tx) {
        if (decisionsLost.add(tx)) {
            w.stats().decisionsLost++;
            w.trace("DISK LOSS erased " + tx + ": its one-phase COMMITTED never left the lost disk's node");
        }
    }

    boolean isUnappliedBranch(TxId tx, String node) {
        TreeSet<String> nodes = unappliedBranches.get(tx);
        return nodes != null && nodes.contains(node);
    }

    /** The coordinator that issued {@code tx} lost its disk since: its records of tx are gone. */
    boolean recordsLost(TxId tx) {
        return tx.coordinatorId().equals(World.COORDINATOR) && epochsLost.contains(tx.epoch());
    }

    /**
     * For a touched transaction, notes a failed atomicity check as broken by a disk loss (judged at
     * the end by the damage rule) and returns true; false if the check must fail as it always did.
     * {@code branchesLost}: participants whose branch the failure shows lost (they will not apply it).
     */
    boolean excuse(World w, TxId tx, String invariant, String detail, Set<String> branchesLost) {
        if (!touched(tx)) return false;
        if (broken.putIfAbsent(tx, invariant + ": " + detail) == null) {
            w.trace("DISK LOSS broke " + tx + " (checked at the end as damage): " + invariant + ": " + detail);
        }
        if (!branchesLost.isEmpty()) unappliedBranches.computeIfAbsent(tx, k -> new TreeSet<>()).addAll(branchesLost);
        return true;
    }

    /**
     * What the bank's balances must sum to. Conservation is judged over the whole bank, with its
     * expectation lowered by what each lost participant disk held, and moved by each committed
     * transaction with a branch that will never apply: its other branches apply their planned
     * change and nothing balances it. (Judging only participants that never lost a disk would not do: transfers cross
     * participants, so no subset of them conserves money.)
     */
    long expectedSum(long bankTotal, Map<TxId, TreeSet<String>> applied) {
        long expected = bankTotal - balancesLost + balancesRestored;
        for (Map.Entry<TxId, TreeSet<String>> e : unappliedBranches.entrySet()) {
            Set<String> appliedAt = applied.getOrDefault(e.getKey(), new TreeSet<>());
            if (appliedAt.isEmpty()) continue;
            for (String p : e.getValue()) {
                if (!appliedAt.contains(p)) expected -= plannedDeltas.getOrDefault(e.getKey(), new TreeMap<>()).getOrDefault(p, 0L);
            }
        }
        return expected;
    }

    /** DAMAGE at once: the coordinator reported {@code damaged}; each must be touched by a disk loss. */
    void onDamageReported(Stats stats, Map<TxId, List<String>> damaged, String how) {
        damaged.forEach((tx, lines) -> {
            if (lines.isEmpty() || reported.containsKey(tx)) return;
            if (!touched(tx)) {
                throw new InvariantViolation("DAMAGE", "false alarm: " + how + " report " + tx
                        + " damaged, but no participant's disk that held it was lost: " + lines);
            }
            reported.put(tx, List.copyOf(lines));
            stats.damageReported++;
        });
    }

    /**
     * DAMAGE at the end: every committed transaction a disk loss affected or broke was reported
     * damaged, where the coordinator still can: {@code hintDurable} holds for a transaction whose
     * COMMIT hint is on a coordinator that is up.
     */
    void checkReported(Stats stats, Predicate<TxId> committed, Predicate<TxId> hintDurable) {
        TreeSet<TxId> owed = new TreeSet<>(orphaned.keySet());
        owed.addAll(broken.keySet());
        for (TxId tx : owed) {
            if (!committed.test(tx) || reported.containsKey(tx) || decisionsLost.contains(tx)) continue;
            // Implicit commit: COMMIT is an unsynced hint. A coordinator crash that took it leaves
            // nothing that knows which storages voted, so the loss cannot be told from the outside;
            // nor can a coordinator that is gone for good tell anyone.
            if (recordsLost(tx) || !hintDurable.test(tx)) {
                stats.damageUnreportable++;
                continue;
            }
            String why = orphaned.containsKey(tx) ? orphaned.get(tx) + " voted YES from a storage lost before it applied the commit"
                    : "a disk loss broke it: " + broken.get(tx);
            throw new InvariantViolation("DAMAGE", "silently committed: " + tx + " committed and " + why
                    + ", but the coordinator never reported it damaged");
        }
    }

    String describe() {
        return "lost=" + storagesLost + " orphaned=" + orphaned + " unapplied=" + unappliedBranches + " broken=" + broken.keySet()
                + " reported=" + reported.keySet()
                + " epochsLost=" + epochsLost;
    }
}
