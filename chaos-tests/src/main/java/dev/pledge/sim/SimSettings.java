package dev.pledge.sim;

import java.util.Set;

/** The cores' settings under simulation: short times so that a run covers many deadlines and retries. */
final class SimSettings {
    static final long RPC_ATTEMPT_TIMEOUT_MS = 60;
    static final int RPC_ATTEMPTS_MAX = 3;
    static final long COORDINATOR_RETENTION_MS = 2_000;
    static final long SWEEP_MS = 250;
    /** A tiny archive, so runs forget concluded transactions early, by count, as well as by retention. */
    static final int CONCLUDED_MAX = 6;
    /** Past every client's retry window (a packet's longest delay included) measured from the deadline. */
    static final long ANSWER_GRACE_MS = 1_100;
    /** Longer than any run: a remembered outcome outlives every late operation a client can send. */
    static final long PARTICIPANT_OUTCOME_RETENTION_MS = 3_600_000;

    private SimSettings() {}

    /** Small scope forgets at the first sweep after END, so FORGOTTEN is within the explorer's depth. */
    static long retentionMs(SimConfig c) {
        return c.zeroDelays() ? 0 : COORDINATOR_RETENTION_MS;
    }

    static dev.pledge.coordinator.protocol.CoreConfig coordinatorConfig(String id, Set<String> participants,
                                                                        long retentionMs) {
        return new dev.pledge.coordinator.protocol.CoreConfig(id, participants, 1_500, 100, 3_000,
                retentionMs, 20, 400, SWEEP_MS, 64, 1_000, CONCLUDED_MAX, ANSWER_GRACE_MS);
    }

    /**
     * Impatient participants (a short poll cap) ask their peers as soon as the coordinator fails to
     * answer; the others wait the production default before asking.
     */
    static dev.pledge.participant.protocol.CoreConfig participantConfig(String id, long inDoubtPollMaxMs,
                                                                        long outcomeRetentionMs) {
        long peerAskAfterMs = inDoubtPollMaxMs < 100 ? 0 : dev.pledge.participant.protocol.CoreConfig.PEER_ASK_AFTER_MS_DEFAULT;
        return new dev.pledge.participant.protocol.CoreConfig(id, 200, outcomeRetentionMs,
                Math.min(30, inDoubtPollMaxMs), inDoubtPollMaxMs, 1_000, 64, 300, peerAskAfterMs);
    }
}
