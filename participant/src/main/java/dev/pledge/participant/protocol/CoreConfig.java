package dev.pledge.participant.protocol;

import dev.pledge.core.Check;

/**
 * The settings the pure core needs (the runtime's ParticipantConfig carries them too).
 *
 * @param maxBranches bound on live branches; a new transaction beyond it is refused UNAVAILABLE
 * @param maxWaitsPerBranch bound on parked operations per branch (concurrent handler threads of one tx)
 * @param enlistWaitMaxMs how long a first operation waits for the coordinator's enlist answer
 */
public record CoreConfig(String participantId, long lockWaitMaxMs, long outcomeRetentionMs,
                         long inDoubtPollBaseMs, long inDoubtPollMaxMs, int maxBranches, int maxWaitsPerBranch,
                         long enlistWaitMaxMs) {

    public CoreConfig {
        Check.argument(participantId != null && !participantId.isBlank(), "participantId is required");
        Check.argument(lockWaitMaxMs > 0, "lockWaitMaxMs must be > 0, was %s", lockWaitMaxMs);
        Check.argument(outcomeRetentionMs > 0, "outcomeRetentionMs must be > 0, was %s", outcomeRetentionMs);
        Check.argument(inDoubtPollBaseMs > 0, "inDoubtPollBaseMs must be > 0, was %s", inDoubtPollBaseMs);
        Check.argument(inDoubtPollMaxMs >= inDoubtPollBaseMs, "inDoubtPollMaxMs must be >= inDoubtPollBaseMs");
        Check.argument(maxBranches > 0, "maxBranches must be > 0");
        Check.argument(maxWaitsPerBranch > 0, "maxWaitsPerBranch must be > 0");
        Check.argument(enlistWaitMaxMs > 0, "enlistWaitMaxMs must be > 0");
    }

    public static CoreConfig defaults(String participantId) {
        return new CoreConfig(participantId, 2_000, 10 * 60_000, 100, 5_000, 100_000, 64, 10_000);
    }
}
