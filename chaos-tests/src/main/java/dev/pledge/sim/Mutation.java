package dev.pledge.sim;

/**
 * Deliberate protocol bugs, made by the simulator's adapters (how outputs and events are executed),
 * never by changing production code. They exist to prove the checkers have teeth.
 */
public enum Mutation {
    /** The participant's YES vote leaves before its PREPARED record is synced. */
    YES_BEFORE_PREPARED_SYNC,
    /** The coordinator's COMMITTED answers and commit messages leave before COMMIT is synced. */
    COMMIT_RELEASED_BEFORE_SYNC,
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
    STORAGE_ID_DROPPED
}
