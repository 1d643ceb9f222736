package dev.pledge.participant.protocol;

import dev.pledge.core.Check;

/**
 * The settings the pure core needs (the runtime's ParticipantConfig carries them too).
 *
 * @param maxBranches bound on live branches; a new transaction beyond it is refused UNAVAILABLE
 * @param maxWaitsPerBranch bound on parked operations per branch (concurrent handler threads of one tx)
 * @param enlistWaitMaxMs how long a first operation waits for the coordinator's enlist answer
 * @param peerAskAfterMs how long the coordinator must have been unreachable before an in-doubt
 *                       branch asks its peers (cooperative termination); 0 asks at the first failure
 */
public record CoreConfig(String participantId, long lockWaitMaxMs, long outcomeRetentionMs,
                         long inDoubtPollBaseMs, long inDoubtPollMaxMs, int maxBranches, int maxWaitsPerBranch,
                         long enlistWaitMaxMs, long peerAskAfterMs) {

    /** Implicit commit: a prepared branch asks its peers after this much coordinator silence; every peer's yes commits it. */
    public static final long PEER_ASK_AFTER_MS_DEFAULT = 500;
    /**
     * A prepared branch first asks the coordinator this long after voting (at most the poll cap):
     * a live coordinator decides within milliseconds of the last vote, so a branch still waiting
     * by then is probably facing a lost coordinator, and the peers settle it within the 2 s promise.
     */
    public static final long FIRST_POLL_AFTER_MS = 300;
    public static final long LOCK_WAIT_MAX_MS_DEFAULT = 2_000;
    public static final long OUTCOME_RETENTION_MS_DEFAULT = 10 * 60_000;
    public static final long IN_DOUBT_POLL_BASE_MS_DEFAULT = 100;
    public static final long IN_DOUBT_POLL_MAX_MS_DEFAULT = 5_000;
    public static final int MAX_BRANCHES_DEFAULT = 100_000;
    public static final int MAX_WAITS_PER_BRANCH_DEFAULT = 64;
    public static final long ENLIST_WAIT_MAX_MS_DEFAULT = 10_000;

    /** Without a peer-ask delay: peers are asked at the first failed coordinator poll. */
    public CoreConfig(String participantId, long lockWaitMaxMs, long outcomeRetentionMs, long inDoubtPollBaseMs,
                      long inDoubtPollMaxMs, int maxBranches, int maxWaitsPerBranch, long enlistWaitMaxMs) {
        this(participantId, lockWaitMaxMs, outcomeRetentionMs, inDoubtPollBaseMs, inDoubtPollMaxMs, maxBranches,
                maxWaitsPerBranch, enlistWaitMaxMs, 0);
    }

    public CoreConfig {
        Check.argument(participantId != null && !participantId.isBlank(), "participantId is required");
        Check.argument(lockWaitMaxMs > 0, "lockWaitMaxMs must be > 0, was %s", lockWaitMaxMs);
        Check.argument(outcomeRetentionMs > 0, "outcomeRetentionMs must be > 0, was %s", outcomeRetentionMs);
        Check.argument(inDoubtPollBaseMs > 0, "inDoubtPollBaseMs must be > 0, was %s", inDoubtPollBaseMs);
        Check.argument(inDoubtPollMaxMs >= inDoubtPollBaseMs, "inDoubtPollMaxMs must be >= inDoubtPollBaseMs");
        Check.argument(maxBranches > 0, "maxBranches must be > 0");
        Check.argument(maxWaitsPerBranch > 0, "maxWaitsPerBranch must be > 0");
        Check.argument(enlistWaitMaxMs > 0, "enlistWaitMaxMs must be > 0");
        Check.argument(peerAskAfterMs >= 0, "peerAskAfterMs must be >= 0, was %s", peerAskAfterMs);
    }

    public static CoreConfig defaults(String participantId) {
        return new CoreConfig(participantId, LOCK_WAIT_MAX_MS_DEFAULT, OUTCOME_RETENTION_MS_DEFAULT,
                IN_DOUBT_POLL_BASE_MS_DEFAULT, IN_DOUBT_POLL_MAX_MS_DEFAULT, MAX_BRANCHES_DEFAULT,
                MAX_WAITS_PER_BRANCH_DEFAULT, ENLIST_WAIT_MAX_MS_DEFAULT, PEER_ASK_AFTER_MS_DEFAULT);
    }
}
