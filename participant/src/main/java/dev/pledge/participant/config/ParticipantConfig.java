package dev.pledge.participant.config;

import dev.pledge.core.Check;
import dev.pledge.participant.protocol.CoreConfig;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClientConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything a participant node needs, immutable and validated on construction.
 * Start from {@link #defaults} and adjust with the {@code with...} copies.
 *
 * @param listen            host and port to serve on (port 0 = any free port)
 * @param coordinatorId     the coordinator this participant serves; transactions of another id are refused
 * @param peers             other participants by id, asked for cooperative termination when the coordinator is away
 * @param lockWaitMaxMs     longest a transaction waits for a lock before its branch aborts
 * @param outcomeRetentionMs how long OUTCOME records answer repeats and peers
 * @param inDoubtPollBaseMs first backoff step when asking the coordinator about an in-doubt branch
 * @param inDoubtPollMaxMs  cap of that backoff
 * @param coordinatorCallMs deadline of one enlist or status call to the coordinator
 * @param maxWorkers        RPC worker threads (bounds concurrent requests)
 * @param eventQueueMax     bound on events waiting for the core's thread; beyond it requests get Unavailable
 * @param logQueueMax       bound on Outputs waiting for the group-commit writer (backpressure beyond it)
 * @param peerAskAfterMs    how long the coordinator must be unreachable before in-doubt branches ask peers
 */
public record ParticipantConfig(String participantId, Endpoint listen, Path dataDir, Endpoint coordinator,
                                String coordinatorId, Map<String, Endpoint> peers, long lockWaitMaxMs, long outcomeRetentionMs,
                                long inDoubtPollBaseMs, long inDoubtPollMaxMs, long coordinatorCallMs,
                                RpcClientConfig rpcClient, int maxWorkers, int eventQueueMax, int logQueueMax,
                                long peerAskAfterMs) {

    public ParticipantConfig {
        Check.argument(participantId != null && participantId.matches("[A-Za-z0-9._-]{1,64}"),
                "participantId must be 1-64 of [A-Za-z0-9._-], was %s", participantId);
        Check.notNull(listen, "listen");
        Check.notNull(dataDir, "dataDir");
        Check.notNull(coordinator, "coordinator");
        Check.argument(coordinatorId != null && !coordinatorId.isBlank(), "coordinatorId is required");
        peers = Map.copyOf(Check.notNull(peers, "peers"));
        Check.argument(coordinatorCallMs > 0, "coordinatorCallMs must be > 0, was %s", coordinatorCallMs);
        Check.notNull(rpcClient, "rpcClient");
        Check.argument(maxWorkers >= 1 && maxWorkers <= 10_000, "maxWorkers must be in [1, 10000], was %s", maxWorkers);
        Check.argument(eventQueueMax >= 16, "eventQueueMax must be >= 16, was %s", eventQueueMax);
        Check.argument(logQueueMax >= 16, "logQueueMax must be >= 16, was %s", logQueueMax);
        coreConfig(participantId, lockWaitMaxMs, outcomeRetentionMs, inDoubtPollBaseMs, inDoubtPollMaxMs, peerAskAfterMs);
    }

    public static ParticipantConfig defaults(String participantId, Endpoint listen, Path dataDir, Endpoint coordinator) {
        CoreConfig c = CoreConfig.defaults(participantId);
        return new ParticipantConfig(participantId, listen, dataDir, coordinator, "coord-1", Map.of(), c.lockWaitMaxMs(),
                c.outcomeRetentionMs(), c.inDoubtPollBaseMs(), c.inDoubtPollMaxMs(), 5_000,
                RpcClientConfig.defaults(), 64, 10_000, 4_096, c.peerAskAfterMs());
    }

    public CoreConfig coreConfig() {
        return coreConfig(participantId, lockWaitMaxMs, outcomeRetentionMs, inDoubtPollBaseMs, inDoubtPollMaxMs, peerAskAfterMs);
    }

    private static CoreConfig coreConfig(String id, long lockWaitMaxMs, long retentionMs, long pollBaseMs, long pollMaxMs,
                                         long peerAskAfterMs) {
        CoreConfig d = CoreConfig.defaults(id);
        return new CoreConfig(id, lockWaitMaxMs, retentionMs, pollBaseMs, pollMaxMs, d.maxBranches(), d.maxWaitsPerBranch(),
                d.enlistWaitMaxMs(), peerAskAfterMs);
    }

    public ParticipantConfig withCoordinatorId(String v) {
        return new ParticipantConfig(participantId, listen, dataDir, coordinator, v, peers, lockWaitMaxMs, outcomeRetentionMs,
                inDoubtPollBaseMs, inDoubtPollMaxMs, coordinatorCallMs, rpcClient, maxWorkers, eventQueueMax, logQueueMax, peerAskAfterMs);
    }

    public ParticipantConfig withLockWaitMaxMs(long v) {
        return new ParticipantConfig(participantId, listen, dataDir, coordinator, coordinatorId, peers, v, outcomeRetentionMs,
                inDoubtPollBaseMs, inDoubtPollMaxMs, coordinatorCallMs, rpcClient, maxWorkers, eventQueueMax, logQueueMax, peerAskAfterMs);
    }

    public ParticipantConfig withOutcomeRetentionMs(long v) {
        return new ParticipantConfig(participantId, listen, dataDir, coordinator, coordinatorId, peers, lockWaitMaxMs, v,
                inDoubtPollBaseMs, inDoubtPollMaxMs, coordinatorCallMs, rpcClient, maxWorkers, eventQueueMax, logQueueMax, peerAskAfterMs);
    }

    public ParticipantConfig withInDoubtPollMs(long baseMs, long maxMs) {
        return new ParticipantConfig(participantId, listen, dataDir, coordinator, coordinatorId, peers, lockWaitMaxMs,
                outcomeRetentionMs, baseMs, maxMs, coordinatorCallMs, rpcClient, maxWorkers, eventQueueMax, logQueueMax, peerAskAfterMs);
    }

    /** At most {@code v} connections are served at once (one worker each); the server closes any beyond. */
    public ParticipantConfig withMaxWorkers(int v) {
        return new ParticipantConfig(participantId, listen, dataDir, coordinator, coordinatorId, peers, lockWaitMaxMs,
                outcomeRetentionMs, inDoubtPollBaseMs, inDoubtPollMaxMs, coordinatorCallMs, rpcClient, v,
                eventQueueMax, logQueueMax, peerAskAfterMs);
    }

    public ParticipantConfig withRpcClient(RpcClientConfig v) {
        return new ParticipantConfig(participantId, listen, dataDir, coordinator, coordinatorId, peers, lockWaitMaxMs,
                outcomeRetentionMs, inDoubtPollBaseMs, inDoubtPollMaxMs, coordinatorCallMs, v, maxWorkers,
                eventQueueMax, logQueueMax, peerAskAfterMs);
    }

    public ParticipantConfig withPeers(Map<String, Endpoint> v) {
        return new ParticipantConfig(participantId, listen, dataDir, coordinator, coordinatorId, v, lockWaitMaxMs,
                outcomeRetentionMs, inDoubtPollBaseMs, inDoubtPollMaxMs, coordinatorCallMs, rpcClient, maxWorkers,
                eventQueueMax, logQueueMax, peerAskAfterMs);
    }

    public ParticipantConfig withListen(Endpoint v) {
        return new ParticipantConfig(participantId, v, dataDir, coordinator, coordinatorId, peers, lockWaitMaxMs,
                outcomeRetentionMs, inDoubtPollBaseMs, inDoubtPollMaxMs, coordinatorCallMs, rpcClient, maxWorkers,
                eventQueueMax, logQueueMax, peerAskAfterMs);
    }

    public ParticipantConfig withPeerAskAfterMs(long v) {
        return new ParticipantConfig(participantId, listen, dataDir, coordinator, coordinatorId, peers, lockWaitMaxMs,
                outcomeRetentionMs, inDoubtPollBaseMs, inDoubtPollMaxMs, coordinatorCallMs, rpcClient, maxWorkers,
                eventQueueMax, logQueueMax, v);
    }
}
