package dev.pledge.sim;

import dev.pledge.runtime.Defect;
import java.util.EnumSet;
import java.util.Set;

/**
 * Deliberate bugs that prove the checkers have teeth. Most are made by the simulator's adapters
 * (how outputs and events reach the cores); the runtime ones are the production runtime's own
 * {@link Defect}s, switched on in the real {@code GroupCommit} and {@code OutputsExecution} the
 * simulator runs.
 */
public enum Mutation {
    /** The participant's YES vote leaves before its PREPARED record is synced. */
    YES_BEFORE_PREPARED_SYNC,
    /** Presumed abort misapplied: FORGOTTEN answers are rewritten to ABORTED. */
    FORGOTTEN_ANSWERED_ABORTED,
    /** A PREPARED branch aborts on its own when its deadline or in-doubt poll timer fires. */
    PREPARED_ABORTS_ON_TIMER,
    /** Cooperative termination: a branch that has not voted answers a peer PREPARED (and stays alive). */
    UNVOTED_PEER_ANSWERS_PREPARED,
    /** Cooperative termination: a branch that has not voted answers ABORTED but does not abort (may vote YES later). */
    UNVOTED_PEER_ANSWERS_ABORTED_WITHOUT_ABORTING,
    /** Write-only transactions: every commitWrites request reaches the core with a fresh request key, so a retry runs anew. */
    REQUEST_KEY_IGNORED,
    /** Write-only transactions: a branch born with its writes at prepare votes YES without syncing its PREPARED record. */
    BORN_BRANCH_PREPARED_UNSYNCED,
    /** The coordinator starts with no clock floor on its epoch, so one that lost its disk counts from epoch 1 again. */
    TXID_REUSED_AFTER_DISK_LOSS,
    /** Votes and acknowledgements reach the coordinator without their storage identity, so a lost disk goes unnoticed. */
    STORAGE_ID_DROPPED,
    /** Implicit commit: a NO vote leaves before its ABORTED outcome is synced. */
    NO_BEFORE_ABORT_SYNC,
    /** Implicit commit: a branch asked to refuse answers ABORTED without syncing its refusal. */
    REFUSAL_NOT_DURABLE,
    /** Implicit commit: a READ_ONLY vote leaves before its read-only outcome is synced. */
    READ_ONLY_NOT_SYNCED,
    /**
     * Implicit commit: the coordinator aborts a PREPARING transaction without any participant's
     * refusal — from an unreachable participant's missing vote, at the deadline, or on the client's abort.
     */
    ABORTS_WITHOUT_REFUSAL,
    /**
     * Forgetting turned into a refusal: a participant asked about a transaction whose outcome it may
     * have swept (it may have voted yes and committed) answers ABORTED instead of UNKNOWN.
     */
    SWEPT_ANSWERED_AS_REFUSAL,
    /** Runtime: the group-commit writer writes every batch but never syncs one. */
    WRITER_SKIPS_SYNC(Defect.WRITER_SKIPS_SYNC),
    /** Runtime: an Outputs' messages and replies leave before its records are durable, on every node. */
    RELEASED_BEFORE_DURABLE(Defect.RELEASED_BEFORE_DURABLE),
    /** Runtime: a lingering phase-two commit is acknowledged at once and synced later. */
    LINGERING_ACKED_BEFORE_SYNC(Defect.LINGERING_ACKED_BEFORE_SYNC),
    /** Runtime: the participant forgets its applied but unstored commits, so a validator reads stale values. */
    OVERLAY_DROPPED(Defect.OVERLAY_DROPPED);

    private final Defect defect;

    Mutation() {
        this(null);
    }

    Mutation(Defect defect) {
        this.defect = defect;
    }

    /** The production runtime defects among {@code mutations}. */
    static Set<Defect> defectsOf(Set<Mutation> mutations) {
        EnumSet<Defect> out = EnumSet.noneOf(Defect.class);
        for (Mutation m : mutations) {
            if (m.defect != null) out.add(m.defect);
        }
        return out;
    }
}
