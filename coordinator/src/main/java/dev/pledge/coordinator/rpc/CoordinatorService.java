package dev.pledge.coordinator.rpc;

import dev.pledge.coordinator.protocol.Event;
import dev.pledge.coordinator.protocol.Reply;
import dev.pledge.coordinator.protocol.VoteTally;
import dev.pledge.core.ReplyMargin;
import dev.pledge.core.Limits;
import dev.pledge.core.TxId;
import dev.pledge.rpc.Expiry;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.AbortRequest;
import dev.pledge.wire.BeginRequest;
import dev.pledge.wire.BeginResponse;
import dev.pledge.wire.CommitRequest;
import dev.pledge.wire.CommitWritesRequest;
import dev.pledge.wire.CommitWritesResponse;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.DeadlineExceeded;
import dev.pledge.wire.EnlistRequest;
import dev.pledge.wire.EnlistResponse;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.Outcome;
import dev.pledge.wire.PingResponse;
import dev.pledge.wire.StatusRequest;
import dev.pledge.wire.StatusResponse;
import dev.pledge.wire.TxState;
import dev.pledge.wire.Unavailable;
import dev.pledge.wire.WriteResult;
import dev.pledge.wire.WriteTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.thrift.TException;

/**
 * The Coordinator Thrift service. Each call becomes an event with a reply token; the handler
 * thread waits for the core's reply up to the request's own deadline.
 */
public final class CoordinatorService implements Coordinator.Iface {
    private final String nodeId;
    private final LongSupplier epoch;
    private final long storageId;
    private final RequestPoster poster;
    private final VoteInquiry inquiry;
    private final Predicate<String> registered;

    /**
     * @param inquiry    asks participants for status of a transaction with no record here
     * @param registered whether a participant id is in this coordinator's registry
     */
    public CoordinatorService(String nodeId, LongSupplier epoch, long storageId, RequestPoster poster,
                              VoteInquiry inquiry, Predicate<String> registered) {
        this.inquiry = inquiry;
        this.registered = registered;
        this.storageId = storageId;
        this.nodeId = nodeId;
        this.epoch = epoch;
        this.poster = poster;
    }

    @Override
    public BeginResponse begin(BeginRequest request) throws TException {
        Wire.required("request", request);
        Reply.Value v = await(token -> new Event.Begin(poster.nowMs(), token, request.getTxTimeoutMs()),
                request.getDeadlineMs());
        if (v == null) throw new Unavailable("no answer within the request's deadline");
        WireReplies.throwIfError(v, null);
        Reply.BeginOk ok = WireReplies.expect(v, Reply.BeginOk.class);
        return new BeginResponse(Wire.toWire(ok.txId()), ok.txTimeoutMs());
    }

    @Override
    public EnlistResponse enlist(EnlistRequest request) throws TException {
        TxId txId = Wire.txIdOf("txId", Wire.required("request", request).getTxId());
        String participantId = Wire.invalidIf(() -> Limits.checkId("participantId", request.getParticipantId()));
        Wire.atLeast("incarnation", request.getIncarnation(), 0);
        Reply.Value v = await(token -> new Event.Enlist(poster.nowMs(), token, txId, participantId,
                request.getIncarnation()), request.getDeadlineMs());
        if (v == null) throw new Unavailable("no answer within the request's deadline");
        WireReplies.throwIfError(v, txId);
        return new EnlistResponse(WireReplies.expect(v, Reply.EnlistOk.class).txRemainingMs());
    }

    @Override
    public Outcome commit(CommitRequest request) throws TException {
        return Wire.await(commitLater(request), TException.class);
    }

    /** {@link #commit} without blocking, as the server runs it (inline). */
    public CompletableFuture<Outcome> commitLater(CommitRequest request) throws TException {
        TxId txId = Wire.txIdOf("txId", Wire.required("request", request).getTxId());
        long deadlineMs = Wire.timeLeftMs(request.getDeadlineMs());
        CompletableFuture<Reply.Value> reply = poster.request(token -> new Event.Commit(poster.nowMs(), token, txId));
        Expiry.after(ReplyMargin.withinMs(deadlineMs), reply, () -> reply.complete(null));
        return reply.thenApply(v -> {
            if (v == null) {
                poster.abandon(reply);
                // Undecided within the caller's deadline: it polls status (the decision is not lost).
                return new Outcome(TxState.PREPARING).setMessage("no decision within the request's deadline");
            }
            try {
                return WireReplies.outcome(v, txId);
            } catch (TException e) {
                throw new CompletionException(e);
            }
        });
    }

    @Override
    public Outcome abort(AbortRequest request) throws TException {
        TxId txId = Wire.txIdOf("txId", Wire.required("request", request).getTxId());
        Reply.Value v = await(token -> new Event.Abort(poster.nowMs(), token, txId), request.getDeadlineMs());
        if (v == null) throw new Unavailable("no answer within the request's deadline");
        return WireReplies.outcome(v, txId);
    }

    @Override
    public StatusResponse status(StatusRequest request) throws TException {
        long startNs = System.nanoTime();
        TxId txId = Wire.txIdOf("txId", Wire.required("request", request).getTxId());
        List<String> participants = request.isSetParticipants() ? participants(request.getParticipants()) : List.of();
        Reply.Value v = await(token -> new Event.Status(poster.nowMs(), token, txId), request.getDeadlineMs());
        if (v == null) throw new Unavailable("no answer within the request's deadline");
        if (!participants.isEmpty() && noRecord(v)) {
            // Implicit commit: the participants' durable votes are the outcome, whoever asks them.
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            VoteInquiry.Answers a = inquiry.ask(txId, participants,
                    ReplyMargin.withinMs(request.getDeadlineMs() - elapsedMs));
            return WireReplies.status(VoteTally.of(txId, participants, a.states(), a.errors()), txId);
        }
        return WireReplies.status(v, txId);
    }

    /** The core holds nothing about it: another coordinator's transaction, or one this one forgot. */
    private static boolean noRecord(Reply.Value v) {
        return v instanceof Reply.ErrorReply e ? e.kind() == Reply.ErrorKind.UNKNOWN_TX
                : v instanceof Reply.StatusReply s && s.state() == dev.pledge.core.TxState.FORGOTTEN;
    }

    private List<String> participants(List<String> given) throws InvalidArgument {
        Wire.invalidIf(() -> Limits.checkSize("participants", given.size(), "ids", Limits.PARTICIPANTS_PER_TX_MAX,
                "PARTICIPANTS_PER_TX_MAX"));
        List<String> out = new ArrayList<>(given.size());
        for (String p : given) {
            String id = Wire.invalidIf(() -> Limits.checkId("participants[]", p));
            if (!registered.test(id)) throw new InvalidArgument("participant " + id + " is not registered at " + nodeId);
            if (!out.contains(id)) out.add(id);
        }
        return out;
    }

    /**
     * Posts every transaction of the request at once (their COMMIT records share syncs) and waits
     * for all outcomes up to the request's deadline. A transaction without an answer in time comes
     * back PREPARING without a TxId: the client retries it with the same request key and joins it.
     */
    @Override
    public CommitWritesResponse commitWrites(CommitWritesRequest request) throws TException {
        return Wire.await(commitWritesLater(request), TException.class);
    }

    /**
     * {@link #commitWrites} without blocking, as the server runs it (inline): the answer completes
     * once every transaction has its outcome, or at the request's deadline with PREPARING for the
     * rest.
     */
    public CompletableFuture<CommitWritesResponse> commitWritesLater(CommitWritesRequest request) throws TException {
        Wire.required("request", request);
        Wire.required("transactions", request.getTransactions());
        long deadlineMs = Wire.timeLeftMs(request.getDeadlineMs());
        Wire.invalidIf(() -> Limits.checkSize("transactions", request.getTransactionsSize(), "transactions",
                Limits.BATCH_ITEMS_MAX, "BATCH_ITEMS_MAX"));
        int n = request.getTransactionsSize();
        WriteResult[] results = new WriteResult[n];
        List<CompletableFuture<Reply.Value>> replies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            WriteTransaction tx = request.getTransactions().get(i);
            String invalid = WriteTransactions.check(tx);
            if (invalid != null) {
                results[i] = new WriteResult(new Outcome(TxState.ABORTED).setMessage(invalid)).setInvalid(invalid);
                replies.add(null);
                continue;
            }
            String key = WriteTransactions.requestKey(tx);
            var writes = WriteTransactions.writes(tx);
            long timeoutMs = tx.getTxTimeoutMs();
            boolean resend = tx.isResend();
            replies.add(poster.request(token -> new Event.CommitWrites(poster.nowMs(), token, key, writes, timeoutMs,
                    resend)));
        }
        CompletableFuture<?>[] posted = replies.stream().filter(r -> r != null).toArray(CompletableFuture[]::new);
        CompletableFuture<Void> all = CompletableFuture.allOf(posted);
        Expiry.after(ReplyMargin.withinMs(deadlineMs), all, () -> all.complete(null));
        return all.thenApply(ignored -> {
            for (int i = 0; i < n; i++) {
                CompletableFuture<Reply.Value> reply = replies.get(i);
                if (reply == null) continue;
                Reply.Value v = reply.getNow(null);
                if (v == null) poster.abandon(reply); // no outcome in time: PREPARING
                results[i] = WriteTransactions.result(v);
            }
            return new CommitWritesResponse(List.of(results));
        });
    }

    private Reply.Value awaitUntil(CompletableFuture<Reply.Value> reply, long untilNs) throws Unavailable {
        try {
            return reply.get(Math.max(0, untilNs - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            poster.abandon(reply);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting for the coordinator");
        } catch (ExecutionException e) {
            throw new Unavailable("coordinator failed: " + e.getCause());
        }
    }

    @Override
    public PingResponse ping() {
        return new PingResponse(nodeId, epoch.getAsLong()).setStorageId(storageId);
    }

    /** The core's reply, or null if it did not come within {@code deadlineMs}; DeadlineExceeded if that had passed. */
    private Reply.Value await(LongFunction<Event> event, long deadlineMs) throws Unavailable, DeadlineExceeded {
        Wire.timeLeftMs(deadlineMs);
        CompletableFuture<Reply.Value> reply = poster.request(event);
        // Answer a little before the caller gives up, so PREPARING reaches it instead of a timeout.
        return awaitUntil(reply, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ReplyMargin.withinMs(deadlineMs)));
    }
}
