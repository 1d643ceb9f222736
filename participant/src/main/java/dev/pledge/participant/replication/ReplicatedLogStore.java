package dev.pledge.participant.replication;

import dev.pledge.participant.config.ReplicationSettings;
import dev.pledge.participant.protocol.Record;
import dev.pledge.participant.storage.ParticipantLayout;
import dev.pledge.runtime.LogStore;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A participant's records written to its shard's Raft group instead of one disk, by the core of one
 * leadership term. One write is one log entry stamped with that term; it returns once the group has
 * committed the entry and the leader has applied it to its store, which is this node's (only the
 * leader's core writes). Should the leadership end, Ratis's client may resend the write to the new
 * leader, which appends it in its own term, so every replica skips it and the write fails.
 *
 * <p>Writes are one at a time (the node's group-commit writer batches them). Every write is synced whatever {@code sync} says: a committed entry is on a majority's synced
 * logs, and there is no cheaper unsynced path through the group.
 */
public final class ReplicatedLogStore implements LogStore<Record>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedLogStore.class);

    private final ShardGroup group;
    private final ReplicationSettings settings;
    private final long writerTerm;
    private RaftClient client;

    private ReplicatedLogStore(ShardGroup group, ReplicationSettings settings, long writerTerm) {
        this.group = group;
        this.settings = settings;
        this.writerTerm = writerTerm;
        this.client = newClient();
    }

    /** The writer of the core that runs while a replica leads in {@code writerTerm}. */
    public static ReplicatedLogStore open(ShardGroup group, ReplicationSettings settings, long writerTerm) {
        return new ReplicatedLogStore(group, settings, writerTerm);
    }

    private RaftClient newClient() {
        // Ratis's own retries end about when the write times out, so an abandoned write stops asking soon after.
        int attemptsMax = (int) Math.max(1, settings.writeTimeoutMs() / settings.writeRetrySleepMs());
        return RaftClient.newBuilder()
                .setProperties(RaftSettings.of(settings))
                .setRaftGroup(group.raftGroup())
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(attemptsMax,
                        RaftSettings.ms(settings.writeRetrySleepMs())))
                .build();
    }

    /**
     * @throws ShardUnavailableException the group did not commit the batch within {@code writeTimeoutMs},
     *         or committed it after {@code writerTerm} ended, so that no replica applied it
     */
    @Override
    public synchronized void write(List<Record> records, boolean sync) throws ShardUnavailableException, InterruptedException {
        byte[] batch = TermBatch.encode(writerTerm, ParticipantLayout.INSTANCE.encodeBatch(records));
        CompletableFuture<RaftClientReply> sent = client.async().send(Message.valueOf(UnsafeByteOperations.unsafeWrap(batch)));
        RaftClientReply reply;
        try {
            reply = sent.get(settings.writeTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            replaceClient();
            throw new ShardUnavailableException(group.shardId(), settings.writeTimeoutMs(), e);
        } catch (ExecutionException e) {
            replaceClient();
            throw unavailable(e.getCause());
        }
        if (!reply.isSuccess()) {
            replaceClient();
            throw unavailable(reply.getException());
        }
        if (reply.getMessage().getContent().equals(ShardStateMachine.DEPOSED.getContent())) {
            throw ShardUnavailableException.deposed(group.shardId(), writerTerm);
        }
    }

    /**
     * Once a request of Ratis's ordered stream fails for good, the client refuses every later one; so
     * after a failed write the next starts on a new client, and the old one stops retrying.
     */
    private void replaceClient() {
        RaftClient failed = client;
        client = newClient();
        try {
            failed.close();
        } catch (IOException e) {
            LOG.warn("shard {} cannot close the client of a failed write: {}", group.shardId(), e.toString());
        }
    }

    /** Why the group did not commit: a batch its state machine refused is the caller's bug; anything else leaves the write in doubt. */
    private ShardUnavailableException unavailable(Throwable cause) {
        if (cause instanceof StateMachineException refused) {
            throw new IllegalArgumentException("shard " + group.shardId() + " refused the batch: " + refused.getMessage(), refused);
        }
        return new ShardUnavailableException(group.shardId(), settings.writeTimeoutMs(), cause);
    }

    @Override
    public synchronized void close() throws IOException {
        client.close();
    }
}
