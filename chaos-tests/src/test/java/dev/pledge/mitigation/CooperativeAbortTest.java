package dev.pledge.mitigation;

import static dev.pledge.mitigation.MitigationCluster.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.client.Transaction;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PrepareItem;
import dev.pledge.wire.ExchangeRequest;
import dev.pledge.wire.ExchangeResponse;
import dev.pledge.wire.Vote;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scenario (b): the coordinator died after one participant voted YES and before the others were
 * asked. The prepared one asks its peers; a peer that has not voted aborts its branch and says
 * ABORTED, so the prepared one aborts too, and the late ones vote NO if a prepare still comes.
 */
class CooperativeAbortTest extends ProcessScenario {
    private static final List<String> IDS = List.of("A", "B", "C");

    @Test
    void preparedOnesAbortThroughCooperativeTerminationAndTheLateOnesVoteNo() throws Exception {
        // One sender thread: the crash point freezes it after the first YES, before any other prepare leaves.
        c = MitigationCluster.started(root, IDS, List.of("--sender-threads-max", "1"), MitigationCluster.fastPolling(),
                "coordinator.prepare.first-voted=block");
        byte[] key = bytes("b-key");
        Transaction tx = c.commitInBackground(key, bytes("b-value"), IDS);
        long lostAt = c.killCoordinatorAt("coordinator.prepare.first-voted");
        List<String> prepared = c.inDoubtAmong(IDS, tx.id());
        List<String> late = IDS.stream().filter(p -> !prepared.contains(p)).toList();
        assertThat(prepared).as("exactly one participant voted before the crash").hasSize(1);

        Map<String, Long> resolvedMs = c.awaitResolved(tx.id(), prepared, lostAt, MitigationCluster.RESOLVE_WAIT);
        assertThat(c.node("coordinator").alive()).as("the coordinator stayed down").isFalse();
        for (String p : prepared) {
            Map<String, Long> stats = c.stats(c.participant(p));
            assertThat(stats.get("branches.abortedPrepared")).as("%s aborted its prepared branch", p).isEqualTo(1L);
            assertThat(stats.get("cooperativeTerminations")).isEqualTo(1L);
            MitigationCluster.reportBlocked("b", p, resolvedMs.get(p));
        }
        for (String p : late) {
            assertThat(prepareAsACoordinatorWould(p, tx)).as("%s, asked to prepare after its peer's question", p)
                    .isEqualTo(Vote.NO);
        }

        c.cluster.startCoordinator();
        for (String p : IDS) c.awaitValue(p, key, null);
    }

    /** The prepare a coordinator would send, with the incarnation the participant reports. */
    private Vote prepareAsACoordinatorWould(String participant, Transaction tx) throws Exception {
        try (RpcClient rpc = new RpcClient(c.participant(participant), RpcClientConfig.defaults())) {
            long incarnation = rpc.call(Services.PARTICIPANT, new Participant.Client.Factory(), (p, ms) -> p.ping(), 5_000)
                    .getEpoch();
            PrepareItem item = new PrepareItem(Wire.toWire(tx.id()), IDS, incarnation);
            ExchangeResponse r = rpc.call(Services.PARTICIPANT, new Participant.Client.Factory(),
                    (p, ms) -> p.exchange(new ExchangeRequest(ms, List.of(item), List.of())), 5_000);
            return r.getVotes().get(0).getVote();
        }
    }
}
