package dev.pledge.it;

import dev.pledge.client.CommitResult;
import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.demo.admin.AdminCommand;
import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.rpc.RpcClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bench's replicated topology: two key-value participants, each a shard over three machine
 * processes ({@code ParticipantMachineMain}), every machine one Raft server hosting a replica of
 * both. Transactions write to both shards; one machine is SIGKILLed and transactions keep
 * committing on the other two; it comes back on its disk; then every acknowledged write is read
 * back from both shards.
 */
@Timeout(300)
class KvMachinesProcessTest {
    private static final List<String> SHARDS = List.of("p1", "p2");
    private static final int MACHINES = 3;
    private static final int COMMITS_PER_PHASE = 30;
    private static final Duration TX_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PHASE_MAX = Duration.ofSeconds(90);

    @TempDir
    Path root;
    private LocalCluster cluster;
    private PledgeClient client;
    private final List<String> committed = new ArrayList<>();

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void shardsOnMachinesKeepEveryAcknowledgedWriteWhenAMachineIsKilledAndComesBack() throws Exception {
        cluster = LocalCluster.kv(root, SHARDS).withMachines(MACHINES);
        cluster.startAll();
        assertThat(cluster.nodeNames()).containsExactly(LocalCluster.COORDINATOR, "m1", "m2", "m3");
        PledgeClient.Builder builder = PledgeClient.builder().coordinator(cluster.coordinator());
        for (String id : SHARDS) builder.replicaSet(cluster.replicaEndpoints(id));
        client = builder.build();

        commitUntil(COMMITS_PER_PHASE);
        cluster.node("m1").kill9();
        commitUntil(2 * COMMITS_PER_PHASE);
        cluster.start("m1");
        commitUntil(3 * COMMITS_PER_PHASE);

        for (String key : committed) {
            try (Transaction tx = client.begin(TX_TIMEOUT)) {
                for (String id : SHARDS) {
                    assertThat(tx.kv(cluster.participant(id)).get(bytes(key))).as(key + " at " + id).isEqualTo(bytes("v-" + key));
                }
            }
        }
    }

    /**
     * With TLS: every machine's Raft server serves and dials with the machine's own certificate, each
     * shard's Thrift server with the shard's. Transactions commit across both shards (so the groups
     * elect and replicate over TLS); an operator's certificate asks a machine who leads its shards;
     * without TLS the machine answers nothing.
     */
    @Test
    void machinesSpeakRaftOverTlsWithTheirOwnCertificates() throws Exception {
        cluster = LocalCluster.kv(root, SHARDS).withMachines(MACHINES).withTls();
        cluster.startAll();
        PledgeClient.Builder builder = PledgeClient.builder().coordinator(cluster.coordinator())
                .rpcConfig(cluster.clientConfig(LocalCluster.TLS_CLIENT, RpcClientConfig.defaults()));
        for (String id : SHARDS) builder.replicaSet(cluster.replicaEndpoints(id));
        client = builder.build();

        commitUntil(COMMITS_PER_PHASE);

        String m1 = cluster.machineRaftEndpoint("m1").toString();
        List<String> shards = List.of("shards", "--shard", "p1=" + m1, "--shard", "p2=" + m1, "--ask-timeout-ms", "2000");
        List<String> withTls = new ArrayList<>(shards);
        withTls.addAll(List.of("--tls", "--certs", cluster.certsDir().toString()));
        CliRun asOperator = CliRun.of(new AdminCommand(), withTls.toArray(String[]::new));
        assertThat(asOperator.code()).as("admin shards with the operator's certificate; printed: %s", asOperator.printed()).isZero();
        assertThat(asOperator.printed()).contains("shard p1: leader").contains("shard p2: leader").doesNotContain("UNREACHABLE");
        CliRun plain = CliRun.of(new AdminCommand(), shards.toArray(String[]::new));
        assertThat(plain.code()).as("admin shards over plain gRPC; printed: %s", plain.printed()).isEqualTo(1);
        assertThat(plain.printed()).contains("NO LEADER");
    }

    /** Commits transactions writing one new key at both shards until {@code total} were acknowledged committed. */
    private void commitUntil(int total) {
        await().atMost(PHASE_MAX).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
            String key = "k" + committed.size() + "-" + System.nanoTime();
            try (Transaction tx = client.begin(TX_TIMEOUT)) {
                for (String id : SHARDS) tx.kv(cluster.participant(id)).put(bytes(key), bytes("v-" + key));
                CommitResult r = tx.commit();
                if (r.committed()) committed.add(key);
            } catch (Exception whileAMachineIsDown) {
                // Not acknowledged: nothing to check for this key.
            }
            return committed.size() >= total;
        });
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
