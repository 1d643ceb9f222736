package dev.pledge.coordinator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.config.CoordinatorSettings;
import dev.pledge.core.config.ConfigValues;
import dev.pledge.core.Limits;
import dev.pledge.core.TxId;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Admin;
import dev.pledge.wire.BeginRequest;
import dev.pledge.wire.BranchWrites;
import dev.pledge.wire.CommitRequest;
import dev.pledge.wire.CommitWritesRequest;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.EnlistRequest;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.KvWrite;
import dev.pledge.wire.Outcome;
import dev.pledge.wire.StatusRequest;
import dev.pledge.wire.TxState;
import dev.pledge.wire.Vote;
import dev.pledge.wire.WriteResult;
import dev.pledge.wire.WriteTransaction;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.thrift.TException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator over real Thrift and RocksDB on loopback, against scripted participants (real sockets both ways). */
class CoordinatorNodeTest {
    private static final long CALL_MS = 5_000;

    @TempDir
    Path dataDir;

    private ScriptedParticipant studentA;
    private ScriptedParticipant courseC;
    private CoordinatorNode node;
    private RpcClient client;

    @BeforeEach
    void startParticipants() throws Exception {
        studentA = new ScriptedParticipant();
        courseC = new ScriptedParticipant();
    }

    @AfterEach
    void stopAll() {
        if (client != null) client.close();
        if (node != null) node.close();
        studentA.close();
        courseC.close();
    }

    private void startCoordinator() throws Exception {
        startCoordinator(500);
    }

    private void startCoordinator(long participantCallTimeoutMs) throws Exception {
        startCoordinator(participantCallTimeoutMs, Long.parseLong(CoordinatorSettings.DECISION_LINGER_MS.defaultText()));
    }

    private void startCoordinator(long participantCallTimeoutMs, long decisionLingerMs) throws Exception {
        startCoordinator(participantCallTimeoutMs, decisionLingerMs,
                Integer.parseInt(CoordinatorSettings.SENDER_THREADS_MAX.defaultText()));
    }

    private void startCoordinator(long participantCallTimeoutMs, long decisionLingerMs, int senderThreadsMax)
            throws Exception {
        CoordinatorConfig config = CoordinatorConfig.defaults("coord-1", new Endpoint("127.0.0.1", 0), dataDir,
                        Map.of("student-a", studentA.endpoint(), "course-c", courseC.endpoint()))
                .withParticipantCallTimeoutMs(participantCallTimeoutMs)
                .withDecisionLingerMs(decisionLingerMs)
                .withSenderThreadsMax(senderThreadsMax)
                .withDeliveryRetryMs(10, 100)
                .withRandomSeed(1);
        node = CoordinatorNode.start(config);
        if (client != null) client.close();
        client = new RpcClient(new Endpoint("127.0.0.1", node.port()), RpcClientConfig.defaults());
    }

    private <R> R coordinator(dev.pledge.rpc.ThriftCall<Coordinator.Client, R> call) throws TException {
        return client.call(Services.COORDINATOR, new Coordinator.Client.Factory(), call, CALL_MS);
    }

    private TxId beginWithBoth() throws TException {
        dev.pledge.wire.TxId tx = coordinator((c, ms) -> c.begin(new BeginRequest(ms, 10_000))).getTxId();
        coordinator((c, ms) -> c.enlist(new EnlistRequest(ms, tx, "student-a", 1)));
        coordinator((c, ms) -> c.enlist(new EnlistRequest(ms, tx, "course-c", 1)));
        return Wire.fromWire(tx);
    }

    private Outcome commit(TxId tx) throws TException {
        return coordinator((c, ms) -> c.commit(new CommitRequest(ms, Wire.toWire(tx))));
    }

    @Test
    void beginEnlistCommitCommitsAndDeliversCommitToEveryParticipant() throws Exception {
        startCoordinator();
        TxId tx = beginWithBoth();
        Map<String, Long> before = adminCounters();
        assertThat(commit(tx).getState()).isEqualTo(TxState.COMMITTED);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(studentA.count("commit", tx)).isEqualTo(1);
            assertThat(courseC.count("commit", tx)).isEqualTo(1);
        });
        assertThat(studentA.count("prepare", tx)).isEqualTo(1);
        var status = coordinator((c, ms) -> c.status(new StatusRequest(ms, Wire.toWire(tx))));
        assertThat(status.getState()).isEqualTo(TxState.COMMITTED);
        Map<String, Long> after = adminCounters();
        assertThat(after.get("log.records")).as("COMMIT and END written").isGreaterThan(before.get("log.records"));
        assertThat(after.get("log.syncs")).as("implicit commit: no coordinator fsync on the commit path")
                .isEqualTo(before.get("log.syncs"));
    }

    private Map<String, Long> adminCounters() throws Exception {
        return client.call(Services.ADMIN, new Admin.Client.Factory(), (c, ms) -> c.stats(), CALL_MS).getCounters();
    }

    @Test
    void aNoVoteAbortsAndTheOtherParticipantIsTold() throws Exception {
        startCoordinator();
        courseC.vote = Vote.NO;
        TxId tx = beginWithBoth();
        Outcome outcome = commit(tx);
        assertThat(outcome.getState()).isEqualTo(TxState.ABORTED);
        assertThat(outcome.getReason()).isEqualTo(dev.pledge.wire.AbortReason.PARTICIPANT_VOTED_NO);
        assertThat(outcome.getMessage()).contains("course full");
        await().atMost(Duration.ofSeconds(10)).until(() -> studentA.count("abort", tx) == 1);
        assertThat(courseC.count("abort", tx)).as("the NO voter already aborted").isZero();
    }

    @Test
    void anUnregisteredParticipantIsRejectedAsInvalidArgument() throws Exception {
        startCoordinator();
        dev.pledge.wire.TxId tx = coordinator((c, ms) -> c.begin(new BeginRequest(ms, 0))).getTxId();
        assertThatThrownBy(() -> coordinator((c, ms) -> c.enlist(new EnlistRequest(ms, tx, "mallory", 1))))
                .isInstanceOf(InvalidArgument.class);
    }

    @Test
    void afterARestartOnTheSameDataDirCommitDeliveryResumes() throws Exception {
        startCoordinator();
        courseC.refusePhaseTwo = true;
        TxId tx = beginWithBoth();
        assertThat(commit(tx).getState()).isEqualTo(TxState.COMMITTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> studentA.count("commit", tx) == 1);
        long firstEpoch = node.epoch();
        node.close();
        assertThat(courseC.count("commit", tx)).isZero();

        courseC.refusePhaseTwo = false;
        startCoordinator();
        assertThat(node.epoch()).isGreaterThan(firstEpoch);
        await().atMost(Duration.ofSeconds(10)).until(() -> courseC.count("commit", tx) >= 1);
        var status = coordinator((c, ms) -> c.status(new StatusRequest(ms, Wire.toWire(tx))));
        assertThat(status.getState()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void aCommitStillUndecidedAtItsDeadlineAnswersPreparing() throws Exception {
        startCoordinator();
        courseC.prepareGate = new java.util.concurrent.CountDownLatch(1);
        TxId tx = beginWithBoth();
        // The request's deadline (300 ms) ends before the prepare call's own (500 ms) can fail.
        Outcome outcome = client.call(Services.COORDINATOR, new Coordinator.Client.Factory(),
                (c, ms) -> c.commit(new CommitRequest(300, Wire.toWire(tx))), CALL_MS);
        assertThat(outcome.getState()).isEqualTo(TxState.PREPARING);
        courseC.prepareGate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> coordinator((c, ms) ->
                c.status(new StatusRequest(ms, Wire.toWire(tx)))).getState() != TxState.PREPARING);
    }

    @Test
    void phaseTwoRidesWithTheNextPrepareToTheSameParticipant() throws Exception {
        startCoordinator(500, 10_000); // a linger so long that only the next prepare can carry the decision
        TxId first = beginWithBoth();
        assertThat(commit(first).getState()).isEqualTo(TxState.COMMITTED);
        TxId second = beginWithBoth();
        assertThat(commit(second).getState()).isEqualTo(TxState.COMMITTED);
        for (ScriptedParticipant p : java.util.List.of(studentA, courseC)) {
            assertThat(p.exchanges).as("one call carried the first's commit and the second's prepare")
                    .anySatisfy(items -> assertThat(items).contains(new ScriptedParticipant.Call("commit", first),
                            new ScriptedParticipant.Call("prepare", second)));
            assertThat(p.count("commit", first)).isEqualTo(1);
        }
    }

    @Test
    void aPrepareLeavesFromTheThreadThatSteppedTheCoreOnceAConnectionIsOpen() throws Exception {
        startCoordinator(500, 10_000); // phase two waits for the next prepare: nothing else uses the connections
        TxId first = beginWithBoth();
        assertThat(commit(first).getState()).isEqualTo(TxState.COMMITTED);
        assertThat(adminCounters().get("participant.calls_sent_in_place")).as("no connection was open yet").isZero();

        TxId second = beginWithBoth();
        assertThat(commit(second).getState()).isEqualTo(TxState.COMMITTED);
        assertThat(adminCounters().get("participant.calls_sent_in_place")).as("one call to each participant").isEqualTo(2);
        for (ScriptedParticipant p : java.util.List.of(studentA, courseC)) {
            assertThat(p.count("prepare", second)).isEqualTo(1);
            assertThat(p.count("commit", first)).isEqualTo(1);
        }
    }

    @Test
    void withOneSenderThreadNoCallLeavesFromTheSteppingThread() throws Exception {
        // Crash tests rely on that mode calling one participant at a time, in order.
        startCoordinator(500, 10_000, 1);
        for (int i = 0; i < 3; i++) assertThat(commit(beginWithBoth()).getState()).isEqualTo(TxState.COMMITTED);
        assertThat(adminCounters().get("participant.calls_sent_in_place")).isZero();
        assertThat(adminCounters().get("participant.calls")).isGreaterThanOrEqualTo(6);
    }

    @Test
    void anAbortNeverWaitsForAPrepareToRideWith() throws Exception {
        // An aborted branch may be unprepared: a later transaction meeting its locks would die on them.
        startCoordinator(500, 60_000);
        courseC.vote = Vote.NO;
        TxId tx = beginWithBoth();
        assertThat(commit(tx).getState()).isEqualTo(TxState.ABORTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> studentA.count("abort", tx) == 1);
    }

    @Test
    void aDecisionWithNoPrepareToRideWithGoesAloneOnceTheLingerEnds() throws Exception {
        startCoordinator(500, 300);
        TxId tx = beginWithBoth();
        assertThat(commit(tx).getState()).isEqualTo(TxState.COMMITTED);
        long answeredNs = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> studentA.count("commit", tx) == 1 && courseC.count("commit", tx) == 1);
        assertThat(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answeredNs))
                .as("the decision waited for company first").isGreaterThanOrEqualTo(250);
    }

    @Test
    void prepareIsNotHeldBehindPhaseTwoCallsThatWait() throws Exception {
        // A participant may hold a call carrying only decisions while its sync waits for company.
        startCoordinator(30_000);
        studentA.phaseTwoGate = new java.util.concurrent.CountDownLatch(1);
        TxId first = beginWithBoth();
        assertThat(commit(first).getState()).isEqualTo(TxState.COMMITTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> studentA.phaseTwoWaiting.get() == 1);
        TxId second = beginWithBoth();
        assertThat(commit(second).getState()).isEqualTo(TxState.COMMITTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> studentA.phaseTwoWaiting.get() == 2);

        // Every call slot to student-a now holds a waiting decision; the next prepare still goes out.
        TxId third = beginWithBoth();
        assertThat(commit(third).getState()).isEqualTo(TxState.COMMITTED);
        assertThat(studentA.phaseTwoWaiting.get()).isEqualTo(2);

        studentA.phaseTwoGate.countDown();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (TxId tx : java.util.List.of(first, second, third)) assertThat(studentA.count("commit", tx)).isEqualTo(1);
        });
    }

    @Test
    void aNodeServesMetricsWhenItsConfigNamesAnAddress() throws Exception {
        CoordinatorConfig config = CoordinatorSettings.config(ConfigValues.of(CoordinatorSettings.SCHEMA, Map.of(
                "core.node-id", "coord-1", "rpc.listen", "127.0.0.1:0", "storage.data-dir", dataDir.toString(),
                "rpc.metrics", "127.0.0.1:0")));
        node = CoordinatorNode.start(config);
        assertThat(node.metricsPort()).isPositive();
    }

    // ---------------------------------------------------------------------------------------------
    // Bounded inputs: each named limit refuses oversize with a clear, declared answer, and the
    // coordinator keeps deciding (a later transaction commits).

    private static final String SEVENTY_KB = "p".repeat(70 * 1024);

    private void assertStillDecides() throws TException {
        studentA.vote = Vote.YES;
        courseC.vote = Vote.YES;
        assertThat(commit(beginWithBoth()).getState()).isEqualTo(TxState.COMMITTED);
    }

    /** One write-only transaction of {@code branches}, with a fresh 16-byte request key. */
    private static WriteTransaction writeTx(List<BranchWrites> branches) {
        return new WriteTransaction(ByteBuffer.wrap(UUID.randomUUID().toString().substring(0, 16).getBytes()), branches, 0);
    }

    private static BranchWrites branch(String participantId, List<KvWrite> writes) {
        return new BranchWrites(participantId, writes);
    }

    private static KvWrite write(int keyBytes, int valueBytes) {
        return new KvWrite(ByteBuffer.wrap(new byte[keyBytes])).setValue(new byte[valueBytes]);
    }

    /** The answer to {@code tx} sent alone: refused as invalid, naming {@code limit}. */
    private void assertRefusedNaming(WriteTransaction tx, String limit) throws TException {
        WriteResult r = coordinator((c, ms) -> c.commitWrites(new CommitWritesRequest(ms, List.of(tx)))).getResults().get(0);
        assertThat(r.getInvalid()).contains("Limits." + limit).hasSizeLessThan(1_000);
        assertThat(r.isSetTxId()).as("nothing was begun").isFalse();
    }

    @Test
    void aNoVoteWithAMegabyteReasonAbortsWithTheReasonClippedAndTheCoordinatorKeepsDeciding() throws Exception {
        startCoordinator();
        courseC.vote = Vote.NO;
        courseC.noMessage = "course full ".repeat(90_000);

        Outcome outcome = commit(beginWithBoth());

        assertThat(outcome.getState()).isEqualTo(TxState.ABORTED);
        assertThat(outcome.getMessage()).contains("course full").hasSizeLessThanOrEqualTo(Limits.REASON_CHARS_MAX);
        assertStillDecides();
    }

    @Test
    void anEnlistNamingA70KbParticipantIdIsRefusedAndTheCoordinatorKeepsDeciding() throws Exception {
        startCoordinator();
        dev.pledge.wire.TxId tx = coordinator((c, ms) -> c.begin(new BeginRequest(ms, 0))).getTxId();

        assertThatThrownBy(() -> coordinator((c, ms) -> c.enlist(new EnlistRequest(ms, tx, SEVENTY_KB, 1))))
                .isInstanceOfSatisfying(InvalidArgument.class,
                        e -> assertThat(e.getMessage()).contains("Limits.ID_CHARS_MAX").hasSizeLessThan(1_000));
        assertStillDecides();
    }

    @Test
    void aWriteTransactionNamingA70KbParticipantIdIsRefused() throws Exception {
        startCoordinator();
        assertRefusedNaming(writeTx(List.of(branch(SEVENTY_KB, List.of(write(1, 1))))), "ID_CHARS_MAX");
        assertStillDecides();
    }

    @Test
    void aWriteTransactionWithTooManyParticipantsIsRefused() throws Exception {
        startCoordinator();
        List<BranchWrites> branches = new ArrayList<>();
        for (int i = 0; i <= Limits.PARTICIPANTS_PER_TX_MAX; i++) branches.add(branch("p" + i, List.of(write(1, 1))));

        assertRefusedNaming(writeTx(branches), "PARTICIPANTS_PER_TX_MAX");
        assertStillDecides();
    }

    @Test
    void aWriteTransactionWithTooManyWritesIsRefused() throws Exception {
        startCoordinator();
        List<KvWrite> writes = Collections.nCopies(Limits.WRITES_PER_BRANCH_MAX + 1, write(1, 0));

        assertRefusedNaming(writeTx(List.of(branch("student-a", writes))), "WRITES_PER_BRANCH_MAX");
        assertStillDecides();
    }

    @Test
    void aWriteTransactionWithAnOversizedKeyIsRefused() throws Exception {
        startCoordinator();
        assertRefusedNaming(writeTx(List.of(branch("student-a", List.of(write(Limits.KEY_BYTES_MAX + 1, 1))))),
                "KEY_BYTES_MAX");
        assertStillDecides();
    }

    @Test
    void aWriteTransactionWithAnOversizedValueIsRefused() throws Exception {
        startCoordinator();
        assertRefusedNaming(writeTx(List.of(branch("student-a", List.of(write(1, Limits.VALUE_BYTES_MAX + 1))))),
                "VALUE_BYTES_MAX");
        assertStillDecides();
    }

    @Test
    void aWriteTransactionWithAnOversizedRequestKeyIsRefused() throws Exception {
        startCoordinator();
        WriteTransaction tx = writeTx(List.of(branch("student-a", List.of(write(1, 1)))))
                .setRequestKey(new byte[Limits.REQUEST_KEY_BYTES_MAX + 1]);

        assertRefusedNaming(tx, "REQUEST_KEY_BYTES");
        assertStillDecides();
    }

    @Test
    void aCommitWritesOfTooManyTransactionsIsRefusedWhole() throws Exception {
        startCoordinator();
        List<WriteTransaction> txs = new ArrayList<>();
        for (int i = 0; i <= Limits.BATCH_ITEMS_MAX; i++) txs.add(writeTx(List.of(branch("student-a", List.of(write(1, 1))))));

        assertThatThrownBy(() -> coordinator((c, ms) -> c.commitWrites(new CommitWritesRequest(ms, txs))))
                .isInstanceOfSatisfying(InvalidArgument.class,
                        e -> assertThat(e.getMessage()).contains("Limits.BATCH_ITEMS_MAX"));
        assertThat(studentA.calls).as("nothing was begun").isEmpty();
        assertStillDecides();
    }
}
