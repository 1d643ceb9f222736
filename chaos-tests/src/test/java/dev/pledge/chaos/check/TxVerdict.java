package dev.pledge.chaos.check;

import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;

import java.util.Map;

/**
 * One transaction after the cluster healed: what the client saw, what the coordinator says, what
 * each participant says of its branch; {@code violation} is null when they all agree.
 */
public record TxVerdict(TxId txId, Seen seen, TxState coordinator, Map<String, BranchState> branches, String violation) {
    public boolean consistent() {
        return violation == null;
    }

    /** The decision: the coordinator's final state, or the one every branch ended in when it has forgotten. */
    public TxState decision() {
        return decisionOf(coordinator, branches);
    }

    static TxState decisionOf(TxState coordinator, Map<String, BranchState> branches) {
        if (coordinator != TxState.FORGOTTEN || branches.isEmpty()) return coordinator;
        if (branches.values().stream().allMatch(b -> b == BranchState.COMMITTED)) return TxState.COMMITTED;
        if (branches.values().stream().allMatch(b -> b == BranchState.ABORTED)) return TxState.ABORTED;
        return coordinator;
    }

    @Override
    public String toString() {
        return txId + " seen " + seen + ", coordinator " + coordinator + ", branches " + branches
                + (violation == null ? "" : ": " + violation);
    }
}
