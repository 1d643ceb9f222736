package dev.pledge.it;

import dev.pledge.client.CommitResult;
import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.core.AbortReason;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.participant.app.PrepareValidator;
import dev.pledge.participant.protocol.Write;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Ack;
import dev.pledge.wire.BranchState;
import dev.pledge.wire.CommitRequest;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.DecisionItem;
import dev.pledge.wire.ExchangeRequest;
import dev.pledge.wire.EnlistRequest;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.NotAllowed;
import dev.pledge.wire.Outcome;
import dev.pledge.wire.Participant;
import dev.pledge.wire.StatusRequest;
import dev.pledge.wire.UnknownTransaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import static dev.pledge.it.KvProbe.bytes;
import static dev.pledge.it.KvProbe.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Pledge end to end in one JVM: the real coordinator and real participants, over real Thrift on
 * loopback, with real RocksDB directories. Each test names the rule it checks.
 */
class TwoPhaseCommitIntegrationTest {
    private static final Coordinator.Client.Factory COORDINATOR = new Coordinator.Client.Factory();
    private static final Participant.Client.Factory PARTICIPANT = new Participant.Client.Factory();

    @TempDir
    Path root;

    private InJvmCluster cluster;
    private PledgeClient client;

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    private void start(List<String> ids, UnaryOperator<dev.pledge.coordinator.config.CoordinatorConfig> tuning) throws Exception {
        cluster = new InJvmCluster(root, ids, tuning).startAll();
        client = PledgeClient.builder().coordinator(cluster.coordinator()).build();
    }

    private void start(String... ids) throws Exception {
        start(List.of(ids), c -> c);
    }

    @Test
    void twoParticipantsCommitAtBoth() throws Exception {
        start("A", "B");
        CommitResult r = writeEverywhere(List.of("A", "B"), "k", "v1");
        assertThat(r.state()).isEqualTo(TxState.COMMITTED);
        assertThat(read(client, cluster.participant("A"), bytes("k"))).isEqualTo(bytes("v1"));
        assertThat(read(client, cluster.participant("B"), bytes("k"))).isEqualTo(bytes("v1"));
    }

    @Test
    void threeParticipantsCommitAtAll() throws Exception {
        start("A", "B", "C");
        assertThat(writeEverywhere(List.of("A", "B", "C"), "k", "v3").state()).isEqualTo(TxState.COMMITTED);
        for (String p : List.of("A", "B", "C")) {
            assertThat(read(client, cluster.participant(p), bytes("k"))).as(p).isEqualTo(bytes("v3"));
        }
    }

    @Test
    void aNoVoteAbortsEverywhereWithTheParticipantsReason() throws Exception {
        start("A", "B");
        PrepareValidator refuseBad = (txId, writes, committed) -> writes.stream().map(Write::key)
                .anyMatch(k -> Arrays.equals(k.bytes(), bytes("bad"))) ? PrepareValidator.Result.no("course full") : PrepareValidator.Result.OK;
        cluster.startParticipant("A", refuseBad);
        CommitResult r;
        try (Transaction tx = client.begin(Duration.ofSeconds(10))) {
            tx.kv(cluster.participant("A")).put(bytes("bad"), bytes("x"));
            tx.kv(cluster.participant("B")).put(bytes("k"), bytes("x"));
            r = tx.commit();
        }
        assertThat(r.state()).isEqualTo(TxState.ABORTED);
        assertThat(r.reason()).contains(AbortReason.PARTICIPANT_VOTED_NO);
        assertThat(r.message()).contains("A").contains("course full");
        // B was told: nothing written, and its lock is free for the next writer.
        assertThat(read(client, cluster.participant("B"), bytes("k"))).isNull();
        assertThat(writeEverywhere(List.of("B"), "k", "y").state()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void aReadOnlyBranchVotesReadOnlyAndTakesNoPartInPhaseTwo() throws Exception {
        start("A", "B");
        CommitResult r;
        try (Transaction tx = client.begin(Duration.ofSeconds(10))) {
            tx.kv(cluster.participant("B")).get(bytes("k"));
            tx.kv(cluster.participant("A")).put(bytes("k"), bytes("w"));
            r = tx.commit();
        }
        assertThat(r.state()).isEqualTo(TxState.COMMITTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> counter("B", "votes.readOnly") == 1);
        assertThat(counter("B", "branches.committed")).isZero();
        assertThat(counter("B", "branches.prepared")).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> counter("A", "branches.committed") == 1);
    }

    @Test
    void aSingleParticipantCommitsInOnePhaseWithoutBeingPrepared() throws Exception {
        start("A", "B");
        assertThat(writeEverywhere(List.of("A"), "solo", "1").state()).isEqualTo(TxState.COMMITTED);
        assertThat(read(client, cluster.participant("A"), bytes("solo"))).isEqualTo(bytes("1"));
        assertThat(counter("A", "branches.committed")).isGreaterThanOrEqualTo(1);
        assertThat(counter("A", "branches.prepared")).isZero();
    }

    @Test
    void repeatedCommitAndDuplicatedPhaseTwoDeliveriesAreHarmless() throws Exception {
        start("A", "B");
        TxId id;
        try (Transaction tx = client.begin(Duration.ofSeconds(10))) {
            id = tx.id();
            tx.kv(cluster.participant("A")).put(bytes("k"), bytes("once"));
            tx.kv(cluster.participant("B")).put(bytes("k"), bytes("once"));
            assertThat(tx.commit().state()).isEqualTo(TxState.COMMITTED);
        }
        // A client that lost the answer asks again: the recorded outcome, not a second commit.
        Outcome again = coordinatorCall(c -> c.commit(new CommitRequest(5_000, Wire.toWire(id))));
        assertThat(again.getState()).isEqualTo(dev.pledge.wire.TxState.COMMITTED);
        // The coordinator's phase two delivered twice (a retry after a lost ack): acknowledged again.
        Ack dup = decide("A", id, true);
        assertThat(dup.getState()).isEqualTo(BranchState.COMMITTED);
        assertThat(read(client, cluster.participant("A"), bytes("k"))).isEqualTo(bytes("once"));
        Ack abortUnknown = decide("B", new TxId(InJvmCluster.COORDINATOR_ID, id.epoch(), id.sequence() + 1000), false);
        assertThat(abortUnknown.getState()).isIn(BranchState.ABORTED, BranchState.UNKNOWN);
    }

    @Test
    void aTransactionOfAnEarlierEpochWithoutARecordIsUnknownNeverPresumedAborted() throws Exception {
        start("A", "B");
        TxId lost;
        try (Transaction tx = client.begin(Duration.ofSeconds(30))) {
            lost = tx.id();
            tx.kv(cluster.participant("A")).put(bytes("k"), bytes("lost"));
            cluster.startCoordinator(); // a restart: new epoch, no record of the active transaction
        }
        // A COMMIT is an unsynced hint: a restart cannot tell "never committed" from "hint lost".
        assertThat(client.status(lost).state()).isEqualTo(TxState.FORGOTTEN);
    }

    @Test
    void aCommittedRecordPastRetentionIsForgottenNeverAborted() throws Exception {
        start(List.of("A", "B"), c -> c.withRetentionMs(200));
        TxId id;
        try (Transaction tx = client.begin(Duration.ofSeconds(10))) {
            id = tx.id();
            tx.kv(cluster.participant("A")).put(bytes("k"), bytes("v"));
            tx.kv(cluster.participant("B")).put(bytes("k"), bytes("v"));
            assertThat(tx.commit().state()).isEqualTo(TxState.COMMITTED);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> client.status(id).state() == TxState.FORGOTTEN);
        cluster.startCoordinator();
        assertThat(client.status(id).state()).as("after a restart too").isEqualTo(TxState.FORGOTTEN);
    }

    @Test
    void enlistingAnUnregisteredParticipantIsAnInvalidArgument() throws Exception {
        start("A", "B");
        try (Transaction tx = client.begin(Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> coordinatorCall(c -> c.enlist(new EnlistRequest(5_000, Wire.toWire(tx.id()), "Z", 1))))
                    .isInstanceOfSatisfying(InvalidArgument.class, e -> assertThat(e.getMessage()).contains("Z"));
            // No state changed: the transaction still commits.
            tx.kv(cluster.participant("A")).put(bytes("k"), bytes("v"));
            assertThat(tx.commit().state()).isEqualTo(TxState.COMMITTED);
        }
    }

    @Test
    void aTxIdNeverIssuedIsAnUnknownTransaction() throws Exception {
        start("A", "B");
        TxId issued;
        try (Transaction tx = client.begin(Duration.ofSeconds(10))) {
            issued = tx.id();
        }
        TxId never = new TxId(InJvmCluster.COORDINATOR_ID, issued.epoch(), issued.sequence() + 1_000_000);
        assertThatThrownBy(() -> coordinatorCall(c -> c.status(new StatusRequest(5_000, Wire.toWire(never)))))
                .isInstanceOf(UnknownTransaction.class);
    }

    @Test
    void commitAfterTheClientsAbortIsRefusedAndChangesNothing() throws Exception {
        start("A", "B");
        TxId id;
        try (Transaction tx = client.begin(Duration.ofSeconds(10))) {
            id = tx.id();
            tx.kv(cluster.participant("A")).put(bytes("k"), bytes("v"));
            assertThat(tx.abort().state()).isEqualTo(TxState.ABORTED);
        }
        assertThatThrownBy(() -> coordinatorCall(c -> c.commit(new CommitRequest(5_000, Wire.toWire(id)))))
                .isInstanceOf(NotAllowed.class);
        assertThat(client.status(id).state()).isEqualTo(TxState.ABORTED);
        assertThat(read(client, cluster.participant("A"), bytes("k"))).isNull();
    }

    @Test
    void enlistAfterCommitStartedIsRefused() throws Exception {
        start("A", "B");
        TxId id;
        try (Transaction tx = client.begin(Duration.ofSeconds(10))) {
            id = tx.id();
            tx.kv(cluster.participant("A")).put(bytes("k"), bytes("v"));
            tx.kv(cluster.participant("B")).put(bytes("k"), bytes("v"));
            assertThat(tx.commit().state()).isEqualTo(TxState.COMMITTED);
        }
        assertThatThrownBy(() -> coordinatorCall(c -> c.enlist(new EnlistRequest(5_000, Wire.toWire(id), "B", 1))))
                .isInstanceOf(NotAllowed.class);
        assertThat(client.status(id).state()).isEqualTo(TxState.COMMITTED);
    }

    private CommitResult writeEverywhere(List<String> participants, String key, String value) throws Exception {
        try (Transaction tx = client.begin(Duration.ofSeconds(10))) {
            for (String p : participants) {
                tx.kv(cluster.participant(p)).put(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
            }
            return tx.commit();
        }
    }

    private long counter(String participant, String name) throws Exception {
        dev.pledge.wire.StatsResponse s = adminCall(participant);
        return s.getCounters().getOrDefault(name, 0L);
    }

    private dev.pledge.wire.StatsResponse adminCall(String participant) throws Exception {
        try (RpcClient rpc = new RpcClient(cluster.participant(participant), RpcClientConfig.defaults())) {
            return rpc.call(Services.ADMIN, new dev.pledge.wire.Admin.Client.Factory(), (c, ms) -> c.stats(), 5_000);
        }
    }

    @FunctionalInterface
    private interface Call<C, R> {
        R call(C client) throws org.apache.thrift.TException;
    }

    private <R> R coordinatorCall(Call<Coordinator.Client, R> call) throws Exception {
        return callOnce(cluster.coordinator(), Services.COORDINATOR, COORDINATOR, call);
    }

    /** Phase two of {@code tx} at participant {@code p}, as the coordinator sends it. */
    private Ack decide(String p, TxId tx, boolean commit) throws Exception {
        DecisionItem item = new DecisionItem(Wire.toWire(tx), commit);
        return callOnce(cluster.participant(p), Services.PARTICIPANT, PARTICIPANT,
                c -> c.exchange(new ExchangeRequest(5_000, List.of(), List.of(item)))).getAcks().get(0);
    }

    private static <C extends org.apache.thrift.TServiceClient, R> R callOnce(Endpoint e, String service,
            org.apache.thrift.TServiceClientFactory<C> factory, Call<C, R> call) throws Exception {
        try (RpcClient rpc = new RpcClient(e, RpcClientConfig.defaults())) {
            return rpc.call(service, factory, (c, ms) -> call.call(c), 5_000);
        }
    }
}
