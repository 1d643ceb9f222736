package dev.pledge.sim;

import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Everything one simulation run depends on besides the seed's random stream. Fault rates are
 * per mille. {@link #swarm} draws them from the seed, so seeds differ in kind, not only in luck.
 *
 * @param slowPerMille packets held up 100 ms to 1 s (a slow link or a paused process), far past any timeout
 * @param inDoubtPollMaxMs participants' in-doubt poll cap; a short one makes prepared branches ask
 *                         (and, finding no coordinator, ask their peers) while votes are still in flight
 * @param coordinatorRpcAttempts attempts of each coordinator call; more makes a patient coordinator that
 *                               still waits for a vote after a participant has given up on reaching it
 * @param zeroDelays exhaustive mode: no network or disk latency, time moves only with timers
 * @param racingRetriesJoined the simulated runtime makes a retried operation whose first run is still in
 *                            flight wait for that run; off by default since the participant core fixed
 *                            finding F1 (d11253e) by answering such a retry Unavailable
 * @param writeOnlyPercent share of the clients' transactions that are write-only (commitWrites) transfers
 * @param diskLossPerMille chance per safety step that a node (coordinator or participant) crashes and
 *                         restarts on an empty data directory, everything it stored lost (issue 18)
 * @param diskLossesMax at most this many disk losses per run
 * @param participantRetentionMs how long participants remember outcomes before sweeping them
 *                               (longer than any run unless a test asks for forgetful participants)
 * @param replicatedParticipants every participant is a replicated shard (issue 17): a participant's
 *                               disk loss is then the loss of one of its replicas, which the model
 *                               assumes loses no synced record (see {@link World#loseReplica})
 */
public record SimConfig(long seed, int participantCount, int clientCount, int txsPerClient, int safetyStepsMax,
                        int livenessStepsMax, int dropPerMille, int duplicatePerMille, int delayMaxMs, int slowPerMille,
                        int crashPerMille, int partitionPerMille, int crashesMax, int diskLossPerMille,
                        int diskLossesMax, long inDoubtPollMaxMs,
                        int coordinatorRpcAttempts, boolean zeroDelays,
                        boolean racingRetriesJoined, int writeOnlyPercent,
                        Set<Mutation> mutations, long participantRetentionMs, boolean replicatedParticipants) {
    /** Write-only shares a swarm seed draws from: none (the interactive-only mix), some, half, most. */
    private static final int[] WRITE_ONLY_PERCENTS = {0, 25, 50, 75};

    public SimConfig {
        if (participantCount < 2 || participantCount > 3) throw new IllegalArgumentException("2 or 3 participants");
        if (clientCount < 1 || clientCount > 4) throw new IllegalArgumentException("1 to 4 clients");
        if (writeOnlyPercent < 0 || writeOnlyPercent > 100) throw new IllegalArgumentException("writeOnlyPercent 0 to 100");
        if (diskLossPerMille < 0 || diskLossesMax < 0) throw new IllegalArgumentException("disk losses must be >= 0");
        mutations = mutations.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(mutations));
    }

    /** A seed's own mix: participant and client counts and fault rates all come from the seed. */
    public static SimConfig swarm(long seed, int safetyStepsMax, Set<Mutation> mutations) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        boolean calm = r.nextInt(8) == 0;
        DiskLoss loss = calm ? new DiskLoss(0, 0) : DiskLoss.of(seed);
        SimConfig c = new SimConfig(seed, 2 + r.nextInt(2), 1 + r.nextInt(3), 6 + r.nextInt(12), safetyStepsMax,
                20_000, calm ? 0 : r.nextInt(120), calm ? 0 : r.nextInt(60), 1 + r.nextInt(40), calm ? 0 : r.nextInt(30),
                calm ? 0 : r.nextInt(8), calm ? 0 : r.nextInt(6), 1 + r.nextInt(4), loss.perMille(), loss.max(),
                r.nextInt(3) == 0 ? 10 : 400,
                r.nextInt(3) == 0 ? 8 : SimSettings.RPC_ATTEMPTS_MAX, false, false,
                WRITE_ONLY_PERCENTS[new SplittableRandom(seed ^ 0x3C6EF372FE94F82BL).nextInt(WRITE_ONLY_PERCENTS.length)],
                mutations, SimSettings.PARTICIPANT_OUTCOME_RETENTION_MS, false);
        return !calm && r.nextInt(8) == 0 ? c.stormy() : c;
    }

    /**
     * A quarter of the seeds may lose a disk or two (a coordinator's and a participant's, say),
     * drawn from a stream of their own: the other draws stay as they were, so a seed runs exactly
     * as before until its first disk loss, and three seeds in four never lose one, keeping the
     * audit checks whole (see Checker).
     */
    private record DiskLoss(int perMille, int max) {
        static DiskLoss of(long seed) {
            SplittableRandom r = new SplittableRandom(seed ^ 0x1B873593C2B2AE35L);
            return r.nextInt(4) == 0 ? new DiskLoss(1 + r.nextInt(2), 1 + r.nextInt(2)) : new DiskLoss(0, 0);
        }
    }

    /**
     * Slow links and frequent partitions, participants that give up on the coordinator fast and a
     * coordinator that waits long for votes: the weather in which cooperative termination decides.
     */
    public SimConfig stormy() {
        return new SimConfig(seed, participantCount, clientCount, txsPerClient, safetyStepsMax, livenessStepsMax,
                dropPerMille, duplicatePerMille, delayMaxMs, 200, crashPerMille, 30, crashesMax, diskLossPerMille,
                diskLossesMax, 10, 8, zeroDelays, racingRetriesJoined, writeOnlyPercent, mutations,
                participantRetentionMs, replicatedParticipants);
    }

    /** Exhaustive mode: the explorer makes every fault a choice, so nothing is random here. */
    public static SimConfig smallScope(int clientCount, Set<Mutation> mutations) {
        return new SimConfig(1, 2, clientCount, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 400, SimSettings.RPC_ATTEMPTS_MAX, true,
                false, 0, mutations, SimSettings.PARTICIPANT_OUTCOME_RETENTION_MS, false);
    }

    public SimConfig withMutations(Set<Mutation> value) {
        return new SimConfig(seed, participantCount, clientCount, txsPerClient, safetyStepsMax, livenessStepsMax,
                dropPerMille, duplicatePerMille, delayMaxMs, slowPerMille, crashPerMille, partitionPerMille, crashesMax,
                diskLossPerMille, diskLossesMax, inDoubtPollMaxMs, coordinatorRpcAttempts, zeroDelays, racingRetriesJoined,
                writeOnlyPercent, value, participantRetentionMs, replicatedParticipants);
    }

    public SimConfig withRacingRetriesJoined(boolean value) {
        return new SimConfig(seed, participantCount, clientCount, txsPerClient, safetyStepsMax, livenessStepsMax,
                dropPerMille, duplicatePerMille, delayMaxMs, slowPerMille, crashPerMille, partitionPerMille, crashesMax,
                diskLossPerMille, diskLossesMax, inDoubtPollMaxMs, coordinatorRpcAttempts, zeroDelays, value,
                writeOnlyPercent, mutations, participantRetentionMs, replicatedParticipants);
    }

    /** The same run with other waiting times: participants' in-doubt poll cap, coordinator call attempts. */
    public SimConfig withPatience(long pollMaxMs, int coordinatorAttempts) {
        return new SimConfig(seed, participantCount, clientCount, txsPerClient, safetyStepsMax, livenessStepsMax,
                dropPerMille, duplicatePerMille, delayMaxMs, slowPerMille, crashPerMille, partitionPerMille, crashesMax,
                diskLossPerMille, diskLossesMax, pollMaxMs, coordinatorAttempts, zeroDelays, racingRetriesJoined,
                writeOnlyPercent, mutations, participantRetentionMs, replicatedParticipants);
    }

    /** The same run with other fault rates (per mille). */
    public SimConfig withFaults(int drop, int duplicate, int partition, int crash) {
        return new SimConfig(seed, participantCount, clientCount, txsPerClient, safetyStepsMax, livenessStepsMax,
                drop, duplicate, delayMaxMs, slowPerMille, crash, partition, crashesMax, diskLossPerMille, diskLossesMax,
                inDoubtPollMaxMs, coordinatorRpcAttempts, zeroDelays, racingRetriesJoined, writeOnlyPercent,
                mutations, participantRetentionMs, replicatedParticipants);
    }

    /** The same run with another share of write-only transactions. */
    public SimConfig withWriteOnlyPercent(int value) {
        return new SimConfig(seed, participantCount, clientCount, txsPerClient, safetyStepsMax, livenessStepsMax,
                dropPerMille, duplicatePerMille, delayMaxMs, slowPerMille, crashPerMille, partitionPerMille, crashesMax,
                diskLossPerMille, diskLossesMax, inDoubtPollMaxMs, coordinatorRpcAttempts, zeroDelays, racingRetriesJoined,
                value, mutations, participantRetentionMs, replicatedParticipants);
    }

    /** The same run with another disk-loss rate (per mille) and cap. */
    public SimConfig withDiskLoss(int perMille, int max) {
        return new SimConfig(seed, participantCount, clientCount, txsPerClient, safetyStepsMax, livenessStepsMax,
                dropPerMille, duplicatePerMille, delayMaxMs, slowPerMille, crashPerMille, partitionPerMille, crashesMax,
                perMille, max, inDoubtPollMaxMs, coordinatorRpcAttempts, zeroDelays, racingRetriesJoined, writeOnlyPercent,
                mutations, participantRetentionMs, replicatedParticipants);
    }


    /** The same run with participants that sweep outcomes after {@code ms} (the sweep runs on its timer). */
    public SimConfig withParticipantRetentionMs(long ms) {
        return new SimConfig(seed, participantCount, clientCount, txsPerClient, safetyStepsMax, livenessStepsMax,
                dropPerMille, duplicatePerMille, delayMaxMs, slowPerMille, crashPerMille, partitionPerMille, crashesMax,
                diskLossPerMille, diskLossesMax, inDoubtPollMaxMs, coordinatorRpcAttempts, zeroDelays, racingRetriesJoined,
                writeOnlyPercent, mutations, ms, replicatedParticipants);
    }

    /** The same run with every participant a replicated shard: see {@code replicatedParticipants}. */
    public SimConfig withReplicatedParticipants(boolean value) {
        return new SimConfig(seed, participantCount, clientCount, txsPerClient, safetyStepsMax, livenessStepsMax,
                dropPerMille, duplicatePerMille, delayMaxMs, slowPerMille, crashPerMille, partitionPerMille, crashesMax,
                diskLossPerMille, diskLossesMax, inDoubtPollMaxMs, coordinatorRpcAttempts, zeroDelays, racingRetriesJoined,
                writeOnlyPercent, mutations, participantRetentionMs, value);
    }

    public boolean has(Mutation m) {
        return mutations.contains(m);
    }
}
