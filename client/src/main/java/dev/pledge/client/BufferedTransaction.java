package dev.pledge.client;

import dev.pledge.core.Check;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.rpc.RpcException;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.BranchWrites;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.KvWrite;
import dev.pledge.wire.WriteResult;
import dev.pledge.wire.WriteTransaction;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.thrift.TException;

/**
 * A write-only transaction whose writes stay in this object until {@link #commit}, which sends
 * them all in one request: the coordinator begins the transaction, hands each participant its
 * writes with the prepare, and answers the outcome. No round trip per write and no enlistment;
 * concurrent commits of one {@link PledgeClient} share calls. Participants are named by their
 * coordinator registry ids. Each key is locked at prepare without waiting: a key another
 * transaction holds means ABORTED (LOCK_TIMEOUT), and the caller may simply try again.
 *
 * <p>With several coordinators, each commit goes to the next in turn. Its retries go to the same
 * coordinator with the same request key, which is what makes a retry join the first attempt: a
 * second coordinator would run the writes again as another transaction. So the commit moves to
 * another coordinator only when the first provably never received it ({@link
 * RpcException#neverSent}: no attempt got a connection).
 *
 * <p>Not thread-safe (one thread builds and commits it). For reads, or writes that depend on
 * them, use {@link PledgeClient#begin}.
 */
public final class BufferedTransaction {
    /** Bytes of the idempotency key that makes a retried commit join the first attempt. */
    static final int REQUEST_KEY_BYTES = 16;

    private final PledgeClient client;
    private final long timeoutMs;
    private final Map<String, Map<ByteBuffer, KvWrite>> writes = new LinkedHashMap<>();
    private boolean committing;
    /** Set by the commit's rounds, on an async worker for commitAsync. */
    private volatile TxId id;

    BufferedTransaction(PledgeClient client, long timeoutMs) {
        this.client = client;
        this.timeoutMs = timeoutMs;
    }

    /** Buffers a write of {@code value} to {@code key} at participant {@code participantId}; the last write of a key wins. */
    public BufferedTransaction put(String participantId, byte[] key, byte[] value) {
        Check.notNull(value, "value");
        return buffer(participantId, key, value.clone());
    }

    /** Buffers a delete of {@code key} at participant {@code participantId}. */
    public BufferedTransaction delete(String participantId, byte[] key) {
        return buffer(participantId, key, null);
    }

    /** {@code value} null: a delete. */
    private BufferedTransaction buffer(String participantId, byte[] key, byte[] value) {
        Check.notNull(participantId, "participantId");
        Check.argument(key != null && key.length > 0, "key must be non-empty");
        Check.state(!committing, "transaction is already committing");
        ByteBuffer copy = ByteBuffer.wrap(key.clone());
        KvWrite write = new KvWrite(copy);
        if (value != null) write.setValue(value);
        writes.computeIfAbsent(participantId, p -> new LinkedHashMap<>()).put(copy, write);
        return this;
    }

    /** The transaction's id once the coordinator has given it one (during or after commit). */
    public Optional<TxId> id() {
        return Optional.ofNullable(id);
    }

    /**
     * Commits every buffered write atomically and says what happened: COMMITTED, or ABORTED with
     * the reason. Retries (transport failures, an overloaded coordinator, no decision yet) repeat
     * the same request key at the same coordinator, so the writes are never applied twice.
     *
     * @throws InDoubtException no outcome within the timeout plus the client's grace period. If no
     *                          answer ever came, {@link InDoubtException#txId} is null: the
     *                          coordinator picks the TxId, so no other coordinator can be asked.
     * @throws InvalidArgument  the coordinator refused the request as malformed (e.g. an unknown participant id)
     */
    public CommitResult commit() throws InDoubtException, TException {
        return CommitRounds.run(startCommit());
    }

    /**
     * {@link #commit} without blocking this thread: concurrent async commits of the client go
     * together in commitWrites calls sent by its async workers, and the pauses between retries are
     * timer tasks, so thousands can be in flight from one thread. Same retries, same outcome.
     *
     * <p>Cancelling the future only stops this client from asking: it does not abort the
     * transaction, which ends as its participants' votes decide.
     *
     * @return completes with COMMITTED or ABORTED; exceptionally with {@link InDoubtException}
     *         (also if the client is closed first) or {@link InvalidArgument}, or with {@link
     *         java.util.concurrent.RejectedExecutionException} at once if {@code asyncCommitsMax}
     *         commits are in flight (then nothing was sent and this may be committed again)
     */
    public CompletableFuture<CommitResult> commitAsync() {
        Check.state(!committing, "commit was already called");
        return client.async().start(this::startCommit);
    }

    private Rounds startCommit() {
        Check.state(!committing, "commit was already called");
        committing = true;
        return new Rounds(new WriteTransaction(ByteBuffer.wrap(requestKey()), branches(), timeoutMs));
    }

    /** The rounds of one commit: every send goes where {@link CommitRoute} says, with the same request key. */
    private final class Rounds implements CommitRounds.Commit {
        private final WriteTransaction request;
        private final CommitRounds rounds = new CommitRounds(client, client.time().nowMs() + timeoutMs + client.commitGraceMs());
        private final CommitRoute route = new CommitRoute(client.coordinators().spread());
        private Exception last;

        Rounds(WriteTransaction request) {
            this.request = request;
        }

        @Override
        public CommitRounds rounds() {
            return rounds;
        }

        @Override
        public CommitResult round(long remainingMs) throws InDoubtException, TException, InterruptedException {
            CoordinatorClient coordinator = route.coordinator();
            route.beforeSend(request);
            WriteResult r;
            try {
                r = coordinator.commitWrites(request, Math.min(remainingMs, timeoutMs));
            } catch (RpcException | dev.pledge.wire.Unavailable e) {
                return failed(e);
            }
            return answered(coordinator, r);
        }

        @Override
        public CompletableFuture<CommitResult> roundAsync(long remainingMs,
                Executor workers) {
            CoordinatorClient coordinator = route.coordinator();
            route.beforeSend(request);
            CompletableFuture<CommitResult> out = new CompletableFuture<>();
            coordinator.commitWritesAsync(request, Math.min(remainingMs, timeoutMs)).whenComplete((r, e) -> {
                try {
                    out.complete(e == null ? answered(coordinator, r) : failed(e));
                } catch (Throwable t) {
                    out.completeExceptionally(t);
                }
            });
            return out;
        }

        /** The outcome if decided; null to try again; throws what ends the commit. */
        private CommitResult answered(CoordinatorClient coordinator, WriteResult r) throws InDoubtException, InvalidArgument {
            route.answered();
            if (r.isSetInvalid()) throw new InvalidArgument(r.getInvalid());
            if (r.isSetTxId()) {
                id = Wire.fromWire(r.getTxId());
                client.coordinators().learn(id, coordinator);
            }
            TxState state = Wire.fromWire(r.getOutcome().getState());
            if (state == TxState.COMMITTED || state == TxState.ABORTED) return Outcomes.fromOutcome(r.getOutcome());
            if (state == TxState.FORGOTTEN) {
                throw new InDoubtException(id, "the coordinator cannot tell the outcome: " + r.getOutcome().getMessage(), null);
            }
            last = new IllegalStateException(r.getOutcome().getMessage());
            return null;
        }

        /** A send failed with {@code e}: null to try again if it is a transport failure or Unavailable, else rethrown. */
        private CommitResult failed(Throwable failure) throws TException {
            Throwable e = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
            if (e instanceof RpcException || e instanceof dev.pledge.wire.Unavailable) {
                last = (Exception) e;
                route.failed(last);
                return null;
            }
            if (e instanceof TException t) throw t;
            if (e instanceof RuntimeException r) throw r;
            throw new TException(e.toString(), e);
        }

        @Override
        public InDoubtException giveUp() {
            return new InDoubtException(id, "no decision within the timeout plus " + client.commitGraceMs() + " ms grace", last);
        }

        @Override
        public InDoubtException stopped(String why, Throwable cause) {
            return new InDoubtException(id, why, cause);
        }
    }

    private byte[] requestKey() {
        byte[] key = new byte[REQUEST_KEY_BYTES];
        client.random().nextBytes(key);
        return key;
    }

    private List<BranchWrites> branches() {
        List<BranchWrites> out = new ArrayList<>(writes.size());
        writes.forEach((pid, byKey) -> out.add(new BranchWrites(pid, new ArrayList<>(byKey.values()))));
        return out;
    }
}
