package dev.pledge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.core.TxState;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.wire.Kv;
import dev.pledge.wire.NotAllowed;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.TxId;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by the service fuzzer's long run over TLS (seed 15005 after 15003/15004): one operation
 * naming a transaction its coordinator never issued, here epoch Long.MAX_VALUE, which any caller
 * of an application service may send (over TLS, any client certificate). The participant kept an
 * ABORTED outcome for it; once swept, that outcome's id became the coordinator's sweep watermark,
 * above every real transaction id, and the participant refused all of them from then on.
 */
class ForgedTransactionIdTest {
    /** Short, so the sweep runs within the test (a quarter of it is the sweep period). */
    private static final long OUTCOME_RETENTION_MS = 1_000;

    @TempDir
    Path root;

    @Test
    void anOperationOnATransactionItsCoordinatorNeverIssuedLeavesNothingToSweep() throws Exception {
        try (InJvmCluster cluster = new InJvmCluster(root, List.of("A", "B"), c -> c)
                .withParticipantTuning(ForgedTransactionIdTest::shortRetention).startAll();
             PledgeClient client = PledgeClient.builder().coordinator(cluster.coordinator()).build();
             RpcClient stranger = new RpcClient(cluster.participant("A"), RpcClientConfig.defaults().withMaxAttempts(1))) {
            TxContext forged = new TxContext(new TxId(InJvmCluster.COORDINATOR_ID, Long.MAX_VALUE, 1), 1, 5_000);
            assertThatThrownBy(() -> stranger.call(Services.KV, new Kv.Client.Factory(), (c, ms) -> {
                c.put(forged, ByteBuffer.wrap(new byte[] {7}), ByteBuffer.wrap(new byte[] {8}));
                return null;
            }, 5_000)).isInstanceOf(NotAllowed.class).hasMessageContaining("was never issued");

            Thread.sleep(4 * OUTCOME_RETENTION_MS); // several sweeps

            try (Transaction tx = client.begin(Duration.ofSeconds(5))) {
                tx.kv(cluster.participant("A")).put(new byte[] {1}, new byte[] {2});
                assertThat(tx.commit().state()).isEqualTo(TxState.COMMITTED);
            }
        }
    }

    private static ParticipantConfig shortRetention(ParticipantConfig c) {
        ParticipantConfig.Core core = c.core();
        return new ParticipantConfig(new ParticipantConfig.Core(core.participantId(), core.coordinatorId(), core.lockWaitMaxMs(),
                OUTCOME_RETENTION_MS, core.inDoubtPollBaseMs(), core.inDoubtPollMaxMs(), core.peerAskAfterMs(), core.eventQueueMax()),
                c.rpc(), c.storage(), c.replication());
    }
}
