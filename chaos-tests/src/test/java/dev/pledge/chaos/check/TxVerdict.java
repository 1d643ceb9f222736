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

    @Override
    public String toString() {
        return txId + " seen " + seen + ", coordinator " + coordinator + ", branches " + branches
                + (violation == null ? "" : ": " + violation);
    }
}
