package dev.pledge.it;

import dev.pledge.chaos.proxy.Direction;
import dev.pledge.chaos.proxy.FrameAction;
import dev.pledge.chaos.proxy.FrameProxy;
import dev.pledge.client.BufferedTransaction;
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
import dev.pledge.wire.Admin;
import dev.pledge.wire.BranchWrites;
import dev.pledge.wire.CommitWritesRequest;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.KvWrite;
import dev.pledge.wire.WriteResult;
import dev.pledge.wire.WriteTransaction;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TList;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static dev.pledge.it.KvProbe.bytes;
import static dev.pledge.it.KvProbe.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Buffered write-only transactions ({@link PledgeClient#beginBuffered}) end to end in one JVM: the
 * real coordinator and participants over real Thrift on loopback, as a demanding user drives them.
 */
class BufferedTransactionTest {
    private static final Duration TX_TIMEOUT = Duration.ofSeconds(30);
    private static final long CALL_MS = 10_000;
    private static final Coordinator.Client.Factory COORDINATOR = new Coordinator.Client.Factory();

    @TempDir
    Path root;

    private InJvmCluster cluster;
    private PledgeClient client;
    private FrameProxy proxy;

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (proxy != null) proxy.close();
        if (cluster != null) cluster.close();
    }

    private void start() throws Exception {
        cluster = new InJvmCluster(root, List.of("A", "B"), c -> c).startAll();
        client = PledgeClient.builder().coordinator(cluster.coordinator()).build();
    }

    @Test
    void writesToTwoParticipantsCommitAtBothThroughTwoPhaseCommit() throws Exception {
        start();
        BufferedTransaction tx = client.beginBuffered(TX_TIMEOUT)
                .put("A", bytes("k1"), bytes("a1")).put("A", bytes("k2"), bytes("a2"))
                .put("B", bytes("k1"), bytes("b1"));
        assertThat(tx.id()).as("no id before commit").isEmpty();

        CommitResult r = tx.commit();

        assertThat(r.state()).isEqualTo(TxState.COMMITTED);
        assertThat(tx.id()).isPresent();
        assertThat(client.status(tx.id().orElseThrow()).state()).isEqualTo(TxState.COMMITTED);
        assertThat(counter("A", "branches.prepared")).as("A prepared before the decision").isEqualTo(1);
        assertThat(counter("B", "branches.prepared")).as("B prepared before the decision").isEqualTo(1);
        assertThat(read(client, participant("A"), bytes("k1"))).isEqualTo(bytes("a1"));
        assertThat(read(client, participant("A"), bytes("k2"))).isEqualTo(bytes("a2"));
        assertThat(read(client, participant("B"), bytes("k1"))).isEqualTo(bytes("b1"));
        assertThat(read(client, participant("B"), bytes("k2"))).isNull();
    }

    @Test
    void writesToOneParticipantCommitInOnePhaseWithoutBeingPrepared() throws Exception {
        start();
        CommitResult r = client.beginBuffered(TX_TIMEOUT).put("A", bytes("solo"), bytes("1")).commit();

        assertThat(r.state()).isEqualTo(TxState.COMMITTED);
        assertThat(counter("A", "branches.committed")).isEqualTo(1);
        assertThat(counter("A", "branches.prepared")).isZero();
        assertThat(counter("B", "branches.committed")).as("B took no part").isZero();
        assertThat(read(client, participant("A"), bytes("solo"))).isEqualTo(bytes("1"));
    }

    @Test
    void aDeleteRemovesTheKeyAndTheLastBufferedWriteOfAKeyWins() throws Exception {
        start();
        assertThat(client.beginBuffered(TX_TIMEOUT).put("A", bytes("k"), bytes("v1")).put("B", bytes("k"), bytes("v1"))
                .commit().state()).isEqualTo(TxState.COMMITTED);

        CommitResult r = client.beginBuffered(TX_TIMEOUT)
                .delete("A", bytes("k"))
                .put("B", bytes("k"), bytes("overwritten")).put("B", bytes("k"), bytes("v2"))
                .put("B", bytes("gone"), bytes("x")).delete("B", bytes("gone"))
                .commit();

        assertThat(r.state()).isEqualTo(TxState.COMMITTED);
        assertThat(read(client, participant("A"), bytes("k"))).isNull();
        assertThat(read(client, participant("B"), bytes("k"))).isEqualTo(bytes("v2"));
        assertThat(read(client, participant("B"), bytes("gone"))).isNull();
    }

    @Test
    void aReadRightAfterACommitWaitsForTheLingeringDecisionInsteadOfDying() throws Exception {
        // A linger far longer than the read takes to arrive: the read surely meets the prepared branch's lock.
        cluster = new InJvmCluster(root, List.of("A", "B"), c -> c.withDecisionLingerMs(500)).startAll();
        client = PledgeClient.builder().coordinator(cluster.coordinator()).build();

        assertThat(bothWrite("k", "v1").commit().state()).isEqualTo(TxState.COMMITTED);

        assertThat(read(client, participant("A"), bytes("k"))).isEqualTo(bytes("v1"));
        assertThat(read(client, participant("B"), bytes("k"))).isEqualTo(bytes("v1"));
    }

    @Test
    void anEmptyTransactionCommits() throws Exception {
        start();
        BufferedTransaction tx = client.beginBuffered(TX_TIMEOUT);

        assertThat(tx.commit().state()).isEqualTo(TxState.COMMITTED);
        assertThat(tx.id()).isPresent();
        assertThat(client.status(tx.id().orElseThrow()).state()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void aKeyHeldByAnInteractiveTransactionAbortsTheBufferedOneAndARetryCommitsOnceItEnds() throws Exception {
        start();
        Transaction holder = client.begin(TX_TIMEOUT);
        holder.kv(participant("A")).put(bytes("k"), bytes("held"));

        CommitResult refused = bothWrite("k", "buffered").commit();

        assertThat(refused.state()).isEqualTo(TxState.ABORTED);
        assertThat(refused.message()).contains("A").contains("locked");
        // B may have voted YES: it was told to abort, wrote nothing and freed the key.
        assertThat(read(client, participant("B"), bytes("k"))).isNull();
        assertThat(holder.abort().state()).isEqualTo(TxState.ABORTED);
        holder.close();
        assertThat(read(client, participant("A"), bytes("k"))).isNull();

        CommitResult retried = bothWrite("k", "buffered").commit();

        assertThat(retried.state()).isEqualTo(TxState.COMMITTED);
        assertThat(read(client, participant("A"), bytes("k"))).isEqualTo(bytes("buffered"));
        assertThat(read(client, participant("B"), bytes("k"))).isEqualTo(bytes("buffered"));
    }

    @Test
    void aHeldKeyIsReportedAsLockTimeoutSoTheCallerKnowsARetryMaySucceed() throws Exception {
        start();
        try (Transaction holder = client.begin(TX_TIMEOUT)) {
            holder.kv(participant("A")).put(bytes("k"), bytes("held"));

            CommitResult refused = bothWrite("k", "buffered").commit();

            assertThat(refused.state()).isEqualTo(TxState.ABORTED);
            assertThat(refused.reason()).contains(AbortReason.LOCK_TIMEOUT);
        }
    }

    @Test
    void aSingleParticipantRefusingItsOnePhaseCommitAbortsWithNothingApplied() throws Exception {
        OnePhaseRefusals r = refuseOnePhaseCommits();

        assertThat(r.locked().state()).isEqualTo(TxState.ABORTED);
        assertThat(r.full().state()).isEqualTo(TxState.ABORTED);
        assertThat(r.full().message()).contains("A");
        assertThat(read(client, participant("A"), bytes("held"))).isNull();
        assertThat(read(client, participant("A"), bytes("full"))).isNull();
        assertThat(read(client, participant("A"), bytes("other"))).as("its other write went with it").isNull();
    }

    @Test
    void aSingleParticipantsRefusalCarriesItsReasonToTheCaller() throws Exception {
        OnePhaseRefusals r = refuseOnePhaseCommits();

        assertThat(r.locked().message()).contains("locked");
        assertThat(r.full().message()).contains("course full");
    }

    private record OnePhaseRefusals(CommitResult locked, CommitResult full) {}

    /**
     * With A alone written to: one buffered commit meets a key an interactive transaction holds,
     * another meets A's validator saying "course full". The holder aborts afterwards.
     */
    private OnePhaseRefusals refuseOnePhaseCommits() throws Exception {
        start();
        cluster.startParticipant("A", refusing("full", "course full"));
        try (Transaction holder = client.begin(TX_TIMEOUT)) {
            holder.kv(participant("A")).put(bytes("held"), bytes("x"));
            CommitResult locked = client.beginBuffered(TX_TIMEOUT).put("A", bytes("held"), bytes("y")).commit();
            CommitResult full = client.beginBuffered(TX_TIMEOUT).put("A", bytes("full"), bytes("y"))
                    .put("A", bytes("other"), bytes("y")).commit();
            holder.abort();
            return new OnePhaseRefusals(locked, full);
        }
    }

    @Test
    void aValidatorsNoAbortsWithItsMessageAndNothingIsAppliedAtTheOtherParticipant() throws Exception {
        start();
        cluster.startParticipant("A", refusing("full", "course full"));

        CommitResult r = client.beginBuffered(TX_TIMEOUT).put("A", bytes("full"), bytes("x"))
                .put("B", bytes("k"), bytes("x")).commit();

        assertThat(r.state()).isEqualTo(TxState.ABORTED);
        assertThat(r.reason()).contains(AbortReason.PARTICIPANT_VOTED_NO);
        assertThat(r.message()).contains("A").contains("course full");
        assertThat(read(client, participant("B"), bytes("k"))).isNull();
        assertThat(read(client, participant("A"), bytes("full"))).isNull();
        // B's lock went with its branch.
        assertThat(client.beginBuffered(TX_TIMEOUT).put("B", bytes("k"), bytes("y")).commit().state())
                .isEqualTo(TxState.COMMITTED);
    }

    @Test
    void anUnknownParticipantIdIsAnInvalidArgumentAndNothingIsApplied() throws Exception {
        start();
        BufferedTransaction tx = client.beginBuffered(TX_TIMEOUT).put("A", bytes("k"), bytes("v"))
                .put("Z", bytes("k"), bytes("v"));

        assertThatThrownBy(tx::commit).isInstanceOfSatisfying(InvalidArgument.class,
                e -> assertThat(e.getMessage()).contains("'Z'").contains("registry"));

        assertThat(tx.id()).isEmpty();
        assertThat(counter("A", "branches.prepared") + counter("A", "branches.committed")).isZero();
        assertThat(read(client, participant("A"), bytes("k"))).isNull();
    }

    @Test
    void malformedTransactionsAreRefusedOneByOneAndTheRestOfTheBatchRuns() throws Exception {
        start();
        List<WriteTransaction> batch = List.of(
                wireTx(requestKey(1), "A", "first", "1"),
                wireTx(new byte[4], "A", "shortKey", "x"),
                wireTx(requestKey(2), "A", "", "x"),
                new WriteTransaction(ByteBuffer.wrap(requestKey(3)), List.of(
                        branch("A", "twice", "x"), branch("A", "twice", "y")), 0),
                wireTx(requestKey(4), "B", "negative", "x").setTxTimeoutMs(-1),
                wireTx(requestKey(5), "B", "last", "5"));

        List<WriteResult> results = commitWrites(batch);

        assertThat(results).hasSize(batch.size());
        assertCommitted(results.get(0));
        assertThat(results.get(1).getInvalid()).contains("requestKey").contains("was 4");
        assertThat(results.get(2).getInvalid()).contains("no key");
        assertThat(results.get(3).getInvalid()).contains("'A' appears twice");
        assertThat(results.get(4).getInvalid()).contains("txTimeoutMs");
        for (WriteResult refused : results.subList(1, 5)) {
            assertThat(refused.isSetTxId()).as("refused before it got an id: %s", refused).isFalse();
            assertThat(refused.getOutcome().getState()).isEqualTo(dev.pledge.wire.TxState.ABORTED);
        }
        assertCommitted(results.get(5));
        assertThat(read(client, participant("A"), bytes("first"))).isEqualTo(bytes("1"));
        assertThat(read(client, participant("B"), bytes("last"))).isEqualTo(bytes("5"));
        for (String key : List.of("shortKey", "twice")) assertThat(read(client, participant("A"), bytes(key))).isNull();
        assertThat(read(client, participant("B"), bytes("negative"))).isNull();
    }

    /**
     * Thrift marks branches required, so a generated client cannot even send a transaction without
     * them and the server's reader refuses the whole frame before the per-transaction checks run.
     * What a hand-written client then gets: the whole call refused as a protocol error, none of its
     * transactions started, and the coordinator serving the next call as before.
     */
    @Test
    void aTransactionWithoutItsRequiredBranchesFailsTheWholeCallAndStartsNothing() throws Exception {
        start();
        WriteTransaction valid = wireTx(requestKey(1), "A", "beside", "1");

        assertThatThrownBy(() -> commitWritesHandEncoded(valid, requestKey(2)))
                .isInstanceOfSatisfying(TApplicationException.class,
                        e -> assertThat(e.getMessage()).contains("branches"));

        assertThat(read(client, participant("A"), bytes("beside"))).isNull();
        assertCommitted(commitWrites(List.of(valid)).get(0));
        assertThat(read(client, participant("A"), bytes("beside"))).isEqualTo(bytes("1"));
    }

    @Test
    void aRepeatedRequestKeyJoinsTheFirstTransactionInTheSameBatchAndInALaterCall() throws Exception {
        start();
        WriteTransaction tx = new WriteTransaction(ByteBuffer.wrap(requestKey(7)),
                List.of(branch("A", "k", "once"), branch("B", "k", "once")), 0);

        List<WriteResult> together = commitWrites(List.of(tx, tx.deepCopy()));
        List<WriteResult> later = commitWrites(List.of(tx.deepCopy()));

        assertCommitted(together.get(0));
        TxId id = Wire.fromWire(together.get(0).getTxId());
        assertThat(Wire.fromWire(together.get(1).getTxId())).isEqualTo(id);
        assertThat(Wire.fromWire(later.get(0).getTxId())).isEqualTo(id);
        assertThat(later.get(0).getOutcome().getState()).isEqualTo(dev.pledge.wire.TxState.COMMITTED);
        assertThat(counter("A", "branches.prepared")).as("A prepared it once").isEqualTo(1);
        assertThat(counter("B", "branches.prepared")).as("B prepared it once").isEqualTo(1);
    }

    @Test
    void concurrentCommitsOfOneClientAllCommitAndShareCommitWritesCalls() throws Exception {
        int threads = 32;
        int commitsPerThread = 50;
        cluster = new InJvmCluster(root, List.of("A", "B"), c -> c).startAll();
        LongAdder commitWritesCalls = new LongAdder();
        proxy = FrameProxy.to("coordinator", cluster.coordinator(), (direction, method) -> {
            if (direction == Direction.REQUEST && method.endsWith("commitWrites")) commitWritesCalls.increment();
            return FrameAction.pass();
        });
        client = PledgeClient.builder().coordinator(proxy.endpoint()).build();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<CommitResult>>> work = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    List<CommitResult> mine = new ArrayList<>();
                    for (int i = 0; i < commitsPerThread; i++) mine.add(bothWrite(key(thread, i), key(thread, i)).commit());
                    return mine;
                }));
            }
            for (Future<List<CommitResult>> f : work) {
                assertThat(f.get(120, TimeUnit.SECONDS)).allSatisfy(r -> assertThat(r.state()).isEqualTo(TxState.COMMITTED));
            }
        } finally {
            pool.shutdownNow();
        }

        long transactions = (long) threads * commitsPerThread;
        System.out.println("BUFFERED-COALESCING transactions=" + transactions + " commitWritesCalls=" + commitWritesCalls.sum());
        assertThat(commitWritesCalls.sum()).isPositive().isLessThan(transactions);
        for (String p : List.of("A", "B")) {
            try (Transaction reader = client.begin(Duration.ofSeconds(120))) {
                for (int t = 0; t < threads; t++) {
                    for (int i = 0; i < commitsPerThread; i++) {
                        assertThat(reader.kv(participant(p)).get(bytes(key(t, i)))).as("%s at %s", key(t, i), p)
                                .isEqualTo(bytes(key(t, i)));
                    }
                }
                reader.commit();
            }
        }
    }

    /** A validator voting NO with {@code message} whenever the write set touches {@code key}. */
    private static PrepareValidator refusing(String key, String message) {
        return (txId, writes, committed) -> writes.stream().map(Write::key)
                .anyMatch(k -> Arrays.equals(k.bytes(), bytes(key))) ? PrepareValidator.Result.no(message)
                : PrepareValidator.Result.OK;
    }

    private static String key(int thread, int i) {
        return "c-" + thread + "-" + i;
    }

    private BufferedTransaction bothWrite(String key, String value) {
        return client.beginBuffered(TX_TIMEOUT).put("A", bytes(key), bytes(value)).put("B", bytes(key), bytes(value));
    }

    private Endpoint participant(String id) {
        return cluster.participant(id);
    }

    private static void assertCommitted(WriteResult r) {
        assertThat(r.isSetInvalid()).as("%s", r).isFalse();
        assertThat(r.isSetTxId()).as("%s", r).isTrue();
        assertThat(r.getOutcome().getState()).as("%s", r).isEqualTo(dev.pledge.wire.TxState.COMMITTED);
    }

    private static byte[] requestKey(int n) {
        byte[] key = new byte[16];
        Arrays.fill(key, (byte) n);
        return key;
    }

    private static BranchWrites branch(String participant, String key, String value) {
        return new BranchWrites(participant, List.of(new KvWrite(ByteBuffer.wrap(bytes(key))).setValue(bytes(value))));
    }

    private static WriteTransaction wireTx(byte[] requestKey, String participant, String key, String value) {
        return new WriteTransaction(ByteBuffer.wrap(requestKey), List.of(branch(participant, key, value)), 0);
    }

    /** One commitWrites call straight from a generated Thrift client, without the SDK's checks. */
    private List<WriteResult> commitWrites(List<WriteTransaction> txs) throws TException {
        try (RpcClient rpc = new RpcClient(cluster.coordinator(), RpcClientConfig.defaults())) {
            return rpc.call(Services.COORDINATOR, COORDINATOR,
                    (c, ms) -> c.commitWrites(new CommitWritesRequest(ms, txs)), CALL_MS).getResults();
        }
    }

    /**
     * commitWrites with {@code valid} and then a transaction of {@code requestKey} whose required
     * branches field is left out, encoded by hand (a generated client refuses to write it).
     */
    private void commitWritesHandEncoded(WriteTransaction valid, byte[] requestKey) throws TException {
        try (RpcClient rpc = new RpcClient(cluster.coordinator(), RpcClientConfig.defaults().withMaxAttempts(1))) {
            rpc.call(Services.COORDINATOR, COORDINATOR, (c, ms) -> {
                TProtocol out = c.getOutputProtocol();
                out.writeMessageBegin(new TMessage("commitWrites", TMessageType.CALL, 0));
                out.writeStructBegin(new TStruct("commitWrites_args"));
                out.writeFieldBegin(new TField("request", TType.STRUCT, (short) 1));
                out.writeStructBegin(new TStruct("CommitWritesRequest"));
                out.writeFieldBegin(new TField("deadlineMs", TType.I64, (short) 1));
                out.writeI64(ms);
                out.writeFieldEnd();
                out.writeFieldBegin(new TField("transactions", TType.LIST, (short) 2));
                out.writeListBegin(new TList(TType.STRUCT, 2));
                valid.write(out);
                out.writeStructBegin(new TStruct("WriteTransaction"));
                out.writeFieldBegin(new TField("requestKey", TType.STRING, (short) 1));
                out.writeBinary(ByteBuffer.wrap(requestKey));
                out.writeFieldEnd();
                out.writeFieldBegin(new TField("txTimeoutMs", TType.I64, (short) 3));
                out.writeI64(0);
                out.writeFieldEnd();
                out.writeFieldStop();
                out.writeStructEnd();
                out.writeListEnd();
                out.writeFieldEnd();
                out.writeFieldStop();
                out.writeStructEnd();
                out.writeFieldEnd();
                out.writeFieldStop();
                out.writeStructEnd();
                out.writeMessageEnd();
                out.getTransport().flush();
                return c.recv_commitWrites();
            }, CALL_MS);
        }
    }

    private long counter(String participant, String name) throws TException {
        try (RpcClient rpc = new RpcClient(participant(participant), RpcClientConfig.defaults())) {
            return rpc.call(Services.ADMIN, new Admin.Client.Factory(), (c, ms) -> c.stats(), CALL_MS)
                    .getCounters().getOrDefault(name, 0L);
        }
    }
}
