package dev.pledge.it;

import dev.pledge.client.CommitResult;
import dev.pledge.client.InDoubtException;
import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.core.TxState;
import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.wire.Admin;
import dev.pledge.wire.InDoubtBranch;
import dev.pledge.wire.InDoubtRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static dev.pledge.it.KvProbe.awaitValue;
import static dev.pledge.it.KvProbe.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The crash points of docs/protocol.md, on real OS processes killed with SIGKILL at exact protocol
 * steps (failpoints freeze the node there first). Every node keeps its RocksDB directory across the
 * kill; what was synced survives, nothing else is promised.
 */
class CrashRecoveryProcessTest {
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path root;

    private LocalCluster cluster;
    private PledgeClient client;

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    private void startCluster(String... coordinatorFailpoints) {
        cluster = LocalCluster.kv(root, List.of("A", "B"));
        cluster.startCoordinator(coordinatorFailpoints);
        cluster.startParticipant("A");
        cluster.startParticipant("B");
        client = PledgeClient.builder().coordinator(cluster.coordinator()).commitGrace(Duration.ofSeconds(20)).build();
    }

    /** Writes {@code key=value} at A and B and starts committing in the background. */
    private CompletableFuture<CommitResult> writeBothAndCommitAsync(Transaction tx, byte[] key, byte[] value) throws Exception {
        tx.kv(cluster.participant("A")).put(key, value);
        tx.kv(cluster.participant("B")).put(key, value);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return tx.commit();
            } catch (InDoubtException e) {
                return null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static Pattern failpoint(String name) {
        return Pattern.compile("FAILPOINT " + Pattern.quote(name) + " reached");
    }

    @Test
    void coordinatorKilledAfterCommitIsDurableButBeforeAnyCommitMessageCommitsEverywhereAfterRestart() throws Exception {
        startCluster("coordinator.commit.written=block");
        byte[] key = bytes("k1");
        Transaction tx = client.begin(Duration.ofSeconds(30));
        CompletableFuture<CommitResult> outcome = writeBothAndCommitAsync(tx, key, bytes("v1"));

        cluster.node("coordinator").awaitLine(failpoint("coordinator.commit.written"), Duration.ofSeconds(30));
        cluster.node("coordinator").kill9();
        cluster.startCoordinator();

        CommitResult seen = outcome.get(60, TimeUnit.SECONDS);
        if (seen != null) assertThat(seen.state()).isEqualTo(TxState.COMMITTED);
        assertThat(client.status(tx.id()).state()).isEqualTo(TxState.COMMITTED);
        awaitValue(client, cluster.participant("A"), key, bytes("v1"), RECOVERY_TIMEOUT);
        awaitValue(client, cluster.participant("B"), key, bytes("v1"), RECOVERY_TIMEOUT);
    }

    @Test
    void coordinatorKilledAfterEveryYesBeforeWritingAnythingCommitsEverywhere() throws Exception {
        startCluster("coordinator.commit.before-write=block");
        byte[] key = bytes("k2");
        Transaction tx = client.begin(Duration.ofSeconds(30));
        CompletableFuture<CommitResult> outcome = writeBothAndCommitAsync(tx, key, bytes("v2"));

        cluster.node("coordinator").awaitLine(failpoint("coordinator.commit.before-write"), Duration.ofSeconds(30));
        cluster.node("coordinator").kill9();
        cluster.startCoordinator();

        // Both branches durably voted YES: that is the commit (implicit commit). The restarted
        // coordinator has no record and says so; the branches learn it from each other.
        CommitResult seen = outcome.get(60, TimeUnit.SECONDS);
        if (seen != null) assertThat(seen.state()).isIn(TxState.COMMITTED, TxState.FORGOTTEN);
        assertThat(client.status(tx.id()).state()).as("never a wrong ABORTED").isEqualTo(TxState.FORGOTTEN);
        awaitValue(client, cluster.participant("A"), key, bytes("v2"), RECOVERY_TIMEOUT);
        awaitValue(client, cluster.participant("B"), key, bytes("v2"), RECOVERY_TIMEOUT);
    }

    @Test
    void participantKilledAfterPreparedStillHoldsItsBranchAfterRestartAndAppliesTheDecision() throws Exception {
        cluster = LocalCluster.kv(root, List.of("A", "B"));
        cluster.startCoordinator();
        cluster.startParticipant("A", "participant.prepared.synced=block");
        cluster.startParticipant("B");
        client = PledgeClient.builder().coordinator(cluster.coordinator()).commitGrace(Duration.ofSeconds(20)).build();
        byte[] key = bytes("k3");
        Transaction tx = client.begin(Duration.ofSeconds(30));
        CompletableFuture<CommitResult> outcome = writeBothAndCommitAsync(tx, key, bytes("v3"));

        cluster.node("A").awaitLine(failpoint("participant.prepared.synced"), Duration.ofSeconds(30));
        // Freeze the coordinator so the restarted participant cannot learn the outcome yet.
        cluster.node("coordinator").pause();
        cluster.node("A").kill9();
        cluster.startParticipant("A");

        List<InDoubtBranch> inDoubt = listInDoubt("A");
        assertThat(inDoubt).extracting(b -> b.getTxId().getSequence()).containsExactly(tx.id().sequence());

        cluster.node("coordinator").resume();
        CommitResult seen = outcome.get(60, TimeUnit.SECONDS);
        TxState decided = client.status(tx.id()).state();
        assertThat(decided).isIn(TxState.COMMITTED, TxState.ABORTED);
        if (seen != null) assertThat(seen.state()).isEqualTo(decided);
        byte[] expected = decided == TxState.COMMITTED ? bytes("v3") : null;
        awaitValue(client, cluster.participant("A"), key, expected, RECOVERY_TIMEOUT);
        awaitValue(client, cluster.participant("B"), key, expected, RECOVERY_TIMEOUT);
        await().atMost(RECOVERY_TIMEOUT).until(() -> listInDoubt("A").isEmpty());
    }

    @Test
    void participantKilledBeforePrepareMakesTheTransactionAbort() throws Exception {
        startCluster();
        byte[] key = bytes("k4");
        Transaction tx = client.begin(Duration.ofSeconds(30));
        tx.kv(cluster.participant("A")).put(key, bytes("v4"));
        tx.kv(cluster.participant("B")).put(key, bytes("v4"));

        cluster.node("A").kill9();
        cluster.startParticipant("A");

        CommitResult result = tx.commit();
        assertThat(result.state()).isEqualTo(TxState.ABORTED);
        assertThat(result.message()).contains("A");
        // B voted or was told to abort: its lock is gone and nothing was written anywhere.
        awaitValue(client, cluster.participant("A"), key, null, Duration.ofSeconds(10));
        awaitValue(client, cluster.participant("B"), key, null, Duration.ofSeconds(10));
    }

    private List<InDoubtBranch> listInDoubt(String participant) throws Exception {
        try (RpcClient admin = new RpcClient(cluster.participant(participant), RpcClientConfig.defaults())) {
            return admin.call(Services.ADMIN, new Admin.Client.Factory(),
                    (c, remainingMs) -> c.listInDoubt(new InDoubtRequest(remainingMs)), 5_000);
        }
    }

}
