package dev.pledge.participant.replication;

import dev.pledge.participant.storage.ParticipantLayout;
import dev.pledge.participant.storage.ParticipantStore;
import dev.pledge.participant.storage.ReplicatedPosition;
import dev.pledge.runtime.KvOp;
import dev.pledge.runtime.KvView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica of a participant shard. Each committed log entry is one batch of participant
 * records, encoded by {@link ParticipantLayout#encodeBatch} behind the term of the core that wrote
 * it ({@link TermBatch}); applying it writes that batch, with the entry's position, as one RocksDB
 * batch into this replica's own {@link ParticipantStore}, so every replica's store holds the same
 * records in the same order. An entry appended in another term than its writer's is skipped by
 * every replica alike, and its writer hears {@link #DEPOSED}.
 *
 * <p>Durability: Ratis fsyncs an entry before acknowledging it and commits it once a majority did,
 * so a committed batch survives the loss of any minority. Applying needs no sync of its own: a
 * store that loses its unsynced tail loses the position with it, and the log is applied again
 * from there. Ratis applies entries and takes snapshots on one thread, so a snapshot sees the
 * store exactly at its position.
 */
final class ShardStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(ShardStateMachine.class);
    /** The reply to an entry that was not applied: its writer's leadership had ended. */
    static final Message DEPOSED = Message.valueOf("deposed");

    private final String name;
    private final Path storeDir;
    private final ShardLeadership leadership;
    private final CheckpointSnapshots snapshots = new CheckpointSnapshots();
    private volatile ParticipantStore store;
    /** The last entry whose batch the store holds: Ratis replays the log from the last snapshot, and these are skipped. */
    private volatile long storedIndex = RaftLog.INVALID_LOG_INDEX;

    ShardStateMachine(String name, Path storeDir, ShardLeadership leadership) {
        this.name = name;
        this.storeDir = storeDir;
        this.leadership = leadership;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        snapshots.init(raftStorage);
        getLifeCycle().transition(LifeCycle.State.STARTING);
        load();
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    /**
     * Ratis is about to install a snapshot from the leader, and calls this for every chunk of it. The
     * store stays open: entries may still be applying, and {@link #reinitialize} replaces it after.
     */
    @Override
    public synchronized void pause() {
        if (getLifeCycleState() != LifeCycle.State.RUNNING) return;
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    /** Ratis installed a snapshot from the leader (this replica was behind its purged log): start over from it. */
    @Override
    public synchronized void reinitialize() throws IOException {
        getLifeCycle().transition(LifeCycle.State.STARTING);
        closeStore();
        snapshots.reload();
        load();
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    /**
     * Opens the store, first replacing it with the newest snapshot if that is ahead of it. Ratis then
     * applies the log from the snapshot on, so the applied position starts there; entries the store
     * already holds (a crash leaves it ahead of the snapshot) are skipped as they come.
     */
    private void load() throws IOException {
        ParticipantStore opened = ParticipantStore.open(storeDir);
        ReplicatedPosition held = ParticipantLayout.replicatedPosition(opened.view());
        long heldIndex = held == null ? RaftLog.INVALID_LOG_INDEX : held.index();
        SnapshotInfo snapshot = snapshots.getLatestSnapshot();
        if (snapshot != null && heldIndex < snapshot.getIndex()) {
            opened.close();
            CheckpointSnapshots.restore(snapshot, storeDir);
            opened = ParticipantStore.open(storeDir);
            LOG.info("{} store restored from snapshot {} (it held the log up to {})", name, snapshot.getTermIndex(), held);
        }
        store = opened;
        storedIndex = snapshot == null ? heldIndex : Math.max(heldIndex, snapshot.getIndex());
        if (snapshot != null) setLastAppliedTermIndex(snapshot.getTermIndex());
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return snapshots;
    }

    /** Refuses, before it enters the log, a batch that would not decode on the replicas. */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        ParticipantLayout.INSTANCE.decodeBatch(TermBatch.batch(request.getMessage().getContent()));
        return super.startTransaction(request);
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        ByteString payload = entry.getStateMachineLogEntry().getLogData();
        if (TermBatch.writerTerm(payload) != entry.getTerm()) {
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
            return CompletableFuture.completedFuture(DEPOSED);
        }
        if (entry.getIndex() > storedIndex) {
            try {
                List<KvOp> ops = new ArrayList<>(ParticipantLayout.INSTANCE.decodeBatch(TermBatch.batch(payload)));
                ops.add(ParticipantLayout.replicatedUpTo(new ReplicatedPosition(entry.getTerm(), entry.getIndex())));
                store.writeOps(ops, false);
            } catch (IOException | RocksDBException e) {
                // startTransaction decoded it on the leader: failing here is a broken disk or a broken replica.
                throw new IllegalStateException(name + " cannot apply log entry " + entry.getIndex() + ": " + e.getMessage(), e);
            }
            storedIndex = entry.getIndex();
        }
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex at = getLastAppliedTermIndex();
        if (at == null || at.getIndex() < 0) return RaftLog.INVALID_LOG_INDEX;
        try {
            snapshots.take(at, store);
        } catch (RocksDBException e) {
            throw new IOException(name + " cannot checkpoint its store at " + at + ": " + e.getMessage(), e);
        }
        return at.getIndex();
    }

    /** A leader's check that it still leads ({@link ShardReplica#confirmLeading}): nothing to read, the answer is that it got here. */
    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    /** Ratis applied the first entry of this replica's term as leader: everything committed before is in the store. */
    @Override
    public void notifyLeaderReady() {
        try {
            leadership.leading(getServer().join().getDivision(getGroupId()).getInfo().getCurrentTerm());
        } catch (IOException e) {
            LOG.warn("{} leads but cannot read its term, so serves nothing: {}", name, e.toString());
        }
    }

    @Override
    public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
        leadership.notLeading();
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId self, RaftPeerId newLeaderId) {
        if (!newLeaderId.equals(self.getPeerId())) leadership.notLeading();
        leadership.leaderIs(newLeaderId.toString());
    }

    /** The store the participant core of this replica's leadership reads; replaced when a snapshot is installed. */
    ParticipantStore store() {
        return store;
    }

    /** The replica's store as its layout reads it. */
    KvView storeView() {
        return store.view();
    }

    @Override
    public void close() throws IOException {
        closeStore();
        super.close();
    }

    private void closeStore() {
        ParticipantStore s = store;
        if (s != null) s.close();
    }
}
