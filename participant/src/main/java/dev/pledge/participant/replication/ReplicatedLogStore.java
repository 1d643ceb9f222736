package dev.pledge.participant.replication;

import dev.pledge.participant.config.ReplicationSettings;
import dev.pledge.participant.protocol.Record;
import dev.pledge.participant.storage.ParticipantLayout;
import dev.pledge.runtime.LogStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * A participant's records written to its shard's Raft group instead of one disk, by the core of one
 * leadership term. One write is one log entry stamped with that term, appended through the leader's
 * own replica ({@link ShardReplica#append}); it returns once a majority synced the entry and the
 * leader applied it to its store, which is this node's. Should the leadership end, the replica
 * refuses the write; should the replica lead again in a later term, it appends the write in that
 * term, so every replica skips it and the write fails ({@link TermBatch}).
 *
 * <p>Writes are one at a time (the node's group-commit writer batches them). Every write is synced
 * whatever {@code sync} says: a committed entry is on a majority's synced logs, and there is no
 * cheaper unsynced path through the group.
 */
public final class ReplicatedLogStore implements LogStore<Record>, AutoCloseable {
    private final ShardReplica replica;
    private final ReplicationSettings settings;
    private final long writerTerm;
    /** Completed by {@link #close}: a write waiting on the group fails then instead of at writeTimeoutMs. */
    private final CompletableFuture<RaftClientReply> closed = new CompletableFuture<>();

    private ReplicatedLogStore(ShardReplica replica, ReplicationSettings settings, long writerTerm) {
        this.replica = replica;
        this.settings = settings;
        this.writerTerm = writerTerm;
    }

    /** The writer of the core that runs while {@code replica} leads in {@code writerTerm}. */
    public static ReplicatedLogStore open(ShardReplica replica, ReplicationSettings settings, long writerTerm) {
        return new ReplicatedLogStore(replica, settings, writerTerm);
    }

    /** Every write is a round of the group: never made on a submitter's thread. */
    @Override
    public boolean writesAreLocal() {
        return false;
    }

    /**
     * @throws ShardUnavailableException the group did not commit the batch within {@code writeTimeoutMs},
     *         or the replica no longer leads, or it appended the batch after {@code writerTerm} ended,
     *         so that no replica applied it
     */
    @Override
    public synchronized void write(List<Record> records, boolean sync) throws ShardUnavailableException, InterruptedException {
        if (closed.isDone()) throw ShardUnavailableException.inDoubt(replica.shardId(), closedError());
        byte[] batch = TermBatch.encode(writerTerm, ParticipantLayout.INSTANCE.encodeBatch(records));
        CompletableFuture<RaftClientReply> sent = replica.append(Message.valueOf(UnsafeByteOperations.unsafeWrap(batch)));
        RaftClientReply reply;
        try {
            reply = (RaftClientReply) CompletableFuture.anyOf(sent, closed).get(settings.writeTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ShardUnavailableException(replica.shardId(), settings.writeTimeoutMs(), e);
        } catch (ExecutionException e) {
            throw unavailable(e.getCause());
        }
        if (!reply.isSuccess()) throw unavailable(reply.getException());
        if (reply.getMessage().getContent().equals(ShardStateMachine.DEPOSED.getContent())) {
            throw ShardUnavailableException.deposed(replica.shardId(), writerTerm);
        }
    }

    /** Why the group did not commit: a batch its state machine refused is the caller's bug; anything else leaves the write in doubt. */
    private ShardUnavailableException unavailable(Throwable cause) {
        if (cause instanceof StateMachineException refused) {
            throw new IllegalArgumentException("shard " + replica.shardId() + " refused the batch: " + refused.getMessage(), refused);
        }
        return ShardUnavailableException.inDoubt(replica.shardId(), cause);
    }

    /** Fails the write waiting on the group, if any, and every later one. */
    @Override
    public void close() {
        closed.completeExceptionally(closedError());
    }

    private IllegalStateException closedError() {
        return new IllegalStateException("the writer of term " + writerTerm + " is closed");
    }
}
