package dev.pledge.participant.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.core.Limits;
import dev.pledge.core.TxId;
import dev.pledge.participant.ParticipantNode;
import dev.pledge.participant.app.PrepareValidator;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.AbortReason;
import dev.pledge.wire.Admin;
import dev.pledge.wire.BranchState;
import dev.pledge.wire.DecisionItem;
import dev.pledge.wire.InDoubtBranch;
import dev.pledge.wire.InDoubtRequest;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.Kv;
import dev.pledge.wire.KvWrite;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PeerStateRequest;
import dev.pledge.wire.PrepareItem;
import dev.pledge.wire.PrepareResponse;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.Vote;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.thrift.TException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each named limit on what a peer sends a participant, over real Thrift and RocksDB: oversize is
 * refused with a clear, declared answer naming the limit, nothing is stored, and the node keeps
 * deciding (a later transaction commits).
 */
class BoundedInputTest {
    private static final long CALL_MS = 20_000;
    private static final String SEVENTY_KB = "p".repeat(70 * 1024);

    @TempDir
    Path dataDir;

    private ScriptedCoordinator coordinator;
    private ParticipantNode node;
    private RpcClient client;
    private long nextSeq = 1;

    @BeforeEach
    void start() throws Exception {
        coordinator = new ScriptedCoordinator();
        startNode(PrepareValidator.ACCEPT_ALL);
    }

    private void startNode(PrepareValidator validator) throws Exception {
        node = new ParticipantNode(ParticipantConfig.defaults("A", new Endpoint("127.0.0.1", 0), dataDir,
                new Endpoint("127.0.0.1", coordinator.port()))).withValidator(validator).start();
        client = new RpcClient(new Endpoint("127.0.0.1", node.port()), RpcClientConfig.defaults().withMaxAttempts(1));
    }

    @AfterEach
    void stop() {
        client.close();
        node.stop();
        coordinator.close();
    }

    private TxId nextTx() {
        return new TxId("coord-1", 1, nextSeq++);
    }

    /** A write-only prepare of a fresh transaction carrying {@code writes}: it would create the branch. */
    private PrepareItem prepareWith(List<KvWrite> writes) {
        return prepareWith(List.of("A"), writes);
    }

    private PrepareItem prepareWith(List<String> participants, List<KvWrite> writes) {
        return new PrepareItem(Wire.toWire(nextTx()), participants, 0).setWrites(writes);
    }

    private PrepareResponse prepare(PrepareItem item) throws TException {
        return PhaseCalls.exchange(client, List.of(item), List.of(), CALL_MS).getVotes().get(0);
    }

    private static KvWrite write(int keyBytes, int valueBytes) {
        return new KvWrite(ByteBuffer.wrap(new byte[keyBytes])).setValue(new byte[valueBytes]);
    }

    private static void assertRefusedNaming(PrepareResponse vote, String limit) {
        assertThat(vote.getVote()).isEqualTo(Vote.NO);
        assertThat(vote.getReason()).isEqualTo(AbortReason.VALIDATION_FAILED);
        assertThat(vote.getMessage()).contains("Limits." + limit).hasSizeLessThanOrEqualTo(Limits.REASON_CHARS_MAX);
    }

    /** The node still decides: a branch built by an operation prepares and commits. */
    private void assertStillDecides() throws TException {
        TxId tx = nextTx();
        client.call(Services.KV, new Kv.Client.Factory(), (c, ms) -> {
            c.put(new TxContext(Wire.toWire(tx), 1, ms), ByteBuffer.wrap(new byte[] {1}), ByteBuffer.wrap(new byte[] {2}));
            return null;
        }, CALL_MS);
        assertThat(PhaseCalls.prepare(client, tx, node.incarnation(), CALL_MS).getVote()).isEqualTo(Vote.YES);
        assertThat(PhaseCalls.decide(client, tx, true, CALL_MS).getState()).isEqualTo(BranchState.COMMITTED);
    }

    @Test
    void anExchangeOfTenThousandItemsIsRefusedWholeAndTheNodeKeepsDeciding() throws Exception {
        List<DecisionItem> decisions = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) decisions.add(new DecisionItem(Wire.toWire(nextTx()), true));

        assertThatThrownBy(() -> PhaseCalls.exchange(client, List.of(), decisions, CALL_MS))
                .isInstanceOfSatisfying(InvalidArgument.class,
                        e -> assertThat(e.getMessage()).contains("10000 items", "Limits.BATCH_ITEMS_MAX"));
        assertStillDecides();
    }

    @Test
    void aValidatorsMegabyteReasonIsClippedInTheNoVoteAndTheNodeKeepsDeciding() throws Exception {
        stop();
        coordinator = new ScriptedCoordinator();
        startNode((txId, writes, committed) -> writes.size() == 2
                ? PrepareValidator.Result.no("course full ".repeat(90_000)) : PrepareValidator.Result.OK);

        PrepareResponse vote = prepare(prepareWith(List.of(write(1, 1), write(2, 1))));

        assertThat(vote.getVote()).isEqualTo(Vote.NO);
        assertThat(vote.getMessage()).startsWith("course full").hasSizeLessThanOrEqualTo(Limits.REASON_CHARS_MAX);
        assertStillDecides();
    }

    @Test
    void aPrepareNamingTooManyParticipantsVotesNo() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i <= Limits.PARTICIPANTS_PER_TX_MAX; i++) ids.add("p" + i);

        assertRefusedNaming(prepare(prepareWith(ids, List.of(write(1, 1)))), "PARTICIPANTS_PER_TX_MAX");
        assertStillDecides();
    }

    @Test
    void aPrepareNamingA70KbParticipantIdVotesNo() throws Exception {
        assertRefusedNaming(prepare(prepareWith(List.of("A", SEVENTY_KB), List.of(write(1, 1)))), "ID_CHARS_MAX");
        assertStillDecides();
    }

    @Test
    void aPrepareFromA70KbCoordinatorIdVotesNoAndStoresNothing() throws Exception {
        PrepareItem item = new PrepareItem(new dev.pledge.wire.TxId(SEVENTY_KB, 1, 1), List.of("A"), 0)
                .setWrites(List.of(write(1, 1)));

        assertRefusedNaming(prepare(item), "ID_CHARS_MAX");
        List<InDoubtBranch> prepared = client.call(Services.ADMIN, new Admin.Client.Factory(),
                (c, ms) -> c.listInDoubt(new InDoubtRequest(ms)), CALL_MS);
        assertThat(prepared).as("nothing prepared").isEmpty();
        assertStillDecides();
    }

    @Test
    void aPrepareWritingAnOversizedKeyVotesNo() throws Exception {
        assertRefusedNaming(prepare(prepareWith(List.of(write(Limits.KEY_BYTES_MAX + 1, 1)))), "KEY_BYTES_MAX");
        assertStillDecides();
    }

    @Test
    void aPrepareWritingAnOversizedValueVotesNo() throws Exception {
        assertRefusedNaming(prepare(prepareWith(List.of(write(1, Limits.VALUE_BYTES_MAX + 1)))), "VALUE_BYTES_MAX");
        assertStillDecides();
    }

    @Test
    void aPrepareWithTooManyWritesVotesNo() throws Exception {
        List<KvWrite> writes = new ArrayList<>(Collections.nCopies(Limits.WRITES_PER_BRANCH_MAX + 1, write(1, 0)));

        assertRefusedNaming(prepare(prepareWith(writes)), "WRITES_PER_BRANCH_MAX");
        assertStillDecides();
    }

    @Test
    void aPeerAskingWithA70KbIdIsRefused() throws Exception {
        assertThatThrownBy(() -> client.call(Services.PARTICIPANT, new Participant.Client.Factory(),
                (c, ms) -> c.peerState(new PeerStateRequest(ms, Wire.toWire(nextTx()), SEVENTY_KB)), CALL_MS))
                .isInstanceOfSatisfying(InvalidArgument.class,
                        e -> assertThat(e.getMessage()).contains("Limits.ID_CHARS_MAX").hasSizeLessThan(1_000));
        assertStillDecides();
    }

    @Test
    void aPutOfAnOversizedValueIsRefused() throws Exception {
        TxId tx = nextTx();
        assertThatThrownBy(() -> client.call(Services.KV, new Kv.Client.Factory(), (c, ms) -> {
            c.put(new TxContext(Wire.toWire(tx), 1, ms), ByteBuffer.wrap(new byte[] {1}),
                    ByteBuffer.wrap(new byte[Limits.VALUE_BYTES_MAX + 1]));
            return null;
        }, CALL_MS)).isInstanceOfSatisfying(InvalidArgument.class,
                e -> assertThat(e.getMessage()).contains("Limits.VALUE_BYTES_MAX"));
        assertStillDecides();
    }
}
