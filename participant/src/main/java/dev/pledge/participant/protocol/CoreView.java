package dev.pledge.participant.protocol;

import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Read-only questions about a core, for the runtime, simulators and checkers. Use it on the thread
 * that steps the core. Committed data is not here: it lives in the store.
 */
public final class CoreView {

    /** A PREPARED branch waiting for its decision. */
    public record InDoubt(TxId txId, long preparedAtMs, List<String> participants, String coordinatorId,
                          String coordinatorView, boolean forgotten, Map<String, String> peerViews) {}

    private final ParticipantCore core;

    CoreView(ParticipantCore core) {
        this.core = core;
    }

    public long incarnation() {
        return core.ledger.incarnation();
    }

    /** This node's data directory identity; answers carry it (see {@link Record.Storage}). */
    public long storageId() {
        return core.ledger.storageId();
    }

    public BranchState branchState(TxId txId) {
        Branch b = core.ledger.branch(txId);
        if (b != null) return b.phase == Branch.Phase.PREPARED ? BranchState.PREPARED : BranchState.ACTIVE;
        Remembered r = core.ledger.outcome(txId);
        if (r == null) return BranchState.UNKNOWN;
        return r.state().branchState();
    }

    /** The branch's buffered writes in first-write order (empty if none or unknown); what a validator sees. */
    public List<Write> writeSet(TxId txId) {
        Branch b = core.ledger.branch(txId);
        return b == null ? List.of() : List.copyOf(b.writes.values());
    }

    public Map<Key, LockMode> locksHeldBy(TxId txId) {
        return core.ledger.locksHeldBy(txId);
    }

    public Map<TxId, LockMode> lockHolders(Key key) {
        return core.ledger.lockHolders(key);
    }

    public Set<Key> lockedKeys() {
        return core.ledger.lockedKeys();
    }

    public boolean isWaiting(TxId txId, Key key) {
        return core.ledger.isWaiting(txId, key);
    }

    public List<InDoubt> inDoubt() {
        List<InDoubt> out = new ArrayList<>();
        for (Branch b : core.ledger.branches()) {
            if (b.phase != Branch.Phase.PREPARED) continue;
            out.add(new InDoubt(b.txId, b.preparedAtMs, b.participants, b.coordinatorId, b.coordinatorView, b.forgotten,
                    Map.copyOf(b.peerViews)));
        }
        out.sort(Comparator.comparing(InDoubt::txId));
        return out;
    }

    public int liveBranches() {
        return core.ledger.branchCount();
    }

    public int rememberedOutcomes() {
        return core.ledger.outcomeCount();
    }

    public Map<String, Long> counters() {
        Map<String, Long> m = core.counters.snapshot();
        m.put("branches.live", (long) core.ledger.branchCount());
        m.put("inDoubt.branches", (long) inDoubt().size());
        return m;
    }
}
