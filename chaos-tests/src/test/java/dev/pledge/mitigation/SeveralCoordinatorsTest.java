package dev.pledge.mitigation;

import static dev.pledge.mitigation.MitigationCluster.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.client.CommitResult;
import dev.pledge.client.PledgeClient;
import dev.pledge.client.StatusResult;
import dev.pledge.client.Transaction;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.StatusRequest;
import dev.pledge.wire.StatusResponse;
import dev.pledge.wire.UnknownTransaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Implicit commit makes coordinators stateless and replaceable: two run at once, the SDK spreads
 * transactions over them and fails over, and a transaction whose coordinator died with its disk is
 * resolved at every participant and answered through the other coordinator or the restarted one,
 * from the participants' durable votes: COMMITTED or ABORTED where the participant set is known,
 * an honest UnknownTransaction or FORGOTTEN where it is not, never a wrong ABORTED.
 */
class SeveralCoordinatorsTest extends ProcessScenario {
    private static final List<String> IDS = List.of("A", "B");
    private static final String HELD = "coordinator.commit.before-write";

    private void twoCoordinators(String... firstCoordinatorFailpoints) {
        c = new MitigationCluster(root, IDS, 2, List.of(), MitigationCluster.fastPolling());
        c.cluster.startCoordinator(1, firstCoordinatorFailpoints);
        c.cluster.startCoordinator(2);
        IDS.forEach(c.cluster::startParticipant);
    }

    private Endpoint coordinator(int n) {
        return c.cluster.coordinators().get(n - 1);
    }

    /** A transaction of {@code client} begun at coord-1 (others it begins are aborted). */
    private static Transaction beginAtTheFirstCoordinator(PledgeClient client, Duration timeout) throws Exception {
        for (int i = 0; i < 20; i++) {
            Transaction tx = client.begin(timeout);
            if (tx.id().coordinatorId().equals(LocalCluster.coordinatorId(1))) return tx;
            tx.abort();
        }
        throw new AssertionError("20 begins and none at coord-1: the client does not spread");
    }

    private static StatusResponse status(Endpoint coordinator, TxId txId, List<String> participants) throws Exception {
        try (RpcClient rpc = new RpcClient(coordinator, RpcClientConfig.defaults().withMaxAttempts(1))) {
            return rpc.call(Services.COORDINATOR, new Coordinator.Client.Factory(), (cl, ms) -> {
                StatusRequest r = new StatusRequest(ms, Wire.toWire(txId));
                if (participants != null) r.setParticipants(participants);
                return cl.status(r);
            }, 10_000);
        }
    }

    @Test
    void theSdkSpreadsBeginsOverBothCoordinatorsAndFailsOverWhenOneIsKilled() throws Exception {
        twoCoordinators();
        Set<String> issuers = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            try (Transaction tx = c.client.begin(Duration.ofSeconds(5))) {
                tx.kv(c.participant("A")).put(bytes("spread-" + i), bytes("v"));
                assertThat(tx.commit().committed()).isTrue();
                issuers.add(tx.id().coordinatorId());
            }
        }
        assertThat(issuers).containsExactlyInAnyOrder("coord-1", "coord-2");

        c.node(LocalCluster.coordinatorName(2)).kill9();
        for (int i = 0; i < 6; i++) {
            try (Transaction tx = c.client.begin(Duration.ofSeconds(5))) {
                tx.kv(c.participant("B")).put(bytes("failover-" + i), bytes("v"));
                assertThat(tx.commit().committed()).as("begin %s after coord-2 died", i).isTrue();
                assertThat(tx.id().coordinatorId()).isEqualTo("coord-1");
            }
        }
    }

    @Test
    void aCommittedTransactionOfAKilledAndWipedCoordinatorIsAnsweredThroughTheOtherAndTheRestartedOne() throws Exception {
        twoCoordinators(HELD + "=block");
        Transaction tx = beginAtTheFirstCoordinator(c.client, Duration.ofSeconds(60));
        CompletableFuture<CommitResult> commit = c.writeAndCommitAsync(tx, bytes("k"), bytes("v"), IDS);
        long lostAt = c.killCoordinatorAt(HELD);
        c.cluster.wipe(LocalCluster.COORDINATOR);
        c.awaitResolved(tx.id(), IDS, lostAt, MitigationCluster.RESOLVE_WAIT);

        // The client that committed hears COMMITTED through coord-2, from the participants' votes.
        assertThat(commit.get(60, TimeUnit.SECONDS)).as("the SDK's commit answer").isNotNull()
                .satisfies(r -> assertThat(r.committed()).isTrue());
        assertThatThrownBy(() -> status(coordinator(2), tx.id(), null))
                .as("not coord-2's transaction, and no participants given").isInstanceOf(UnknownTransaction.class);
        StatusResponse viaOther = status(coordinator(2), tx.id(), IDS);
        assertThat(viaOther.getState()).as(viaOther.getMessage()).isEqualTo(dev.pledge.wire.TxState.COMMITTED);
        StatusResult viaSdk = c.client.status(tx.id(), IDS);
        assertThat(viaSdk.state()).isEqualTo(TxState.COMMITTED);

        c.cluster.startCoordinator(1);
        assertThat(status(coordinator(1), tx.id(), null).getState()).as("restarted on an empty disk, nothing known")
                .isEqualTo(dev.pledge.wire.TxState.FORGOTTEN);
        assertThat(status(coordinator(1), tx.id(), IDS).getState()).isEqualTo(dev.pledge.wire.TxState.COMMITTED);
        for (String p : IDS) c.awaitValue(p, bytes("k"), bytes("v"));
    }

    @Test
    void anUnfinishedTransactionOfALostCoordinatorEndsAbortedAtEveryParticipantAndIsAnsweredSo() throws Exception {
        twoCoordinators();
        try (PledgeClient pinned = PledgeClient.builder().coordinator(coordinator(1)).build()) {
            Transaction tx = pinned.begin(Duration.ofSeconds(3));
            for (String p : IDS) tx.kv(c.participant(p)).put(bytes("u"), bytes("never"));
            c.node(LocalCluster.COORDINATOR).kill9();
            c.cluster.wipe(LocalCluster.COORDINATOR);

            StatusResponse before = status(coordinator(2), tx.id(), IDS);
            assertThat(before.getState()).as("nobody voted: undecided, not guessed (%s)", before.getMessage())
                    .isEqualTo(dev.pledge.wire.TxState.PREPARING);
            List<String> seen = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                StatusResponse s = status(coordinator(2), tx.id(), IDS);
                seen.add(s.getState().name());
                return s.getState() == dev.pledge.wire.TxState.ABORTED;
            });
            assertThat(seen).as("never COMMITTED on the way").doesNotContain("COMMITTED");
        }
        for (String p : IDS) c.awaitValue(p, bytes("u"), null);
    }
}
