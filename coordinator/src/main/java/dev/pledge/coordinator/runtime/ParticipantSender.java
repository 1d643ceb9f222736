package dev.pledge.coordinator.runtime;

import dev.pledge.coordinator.protocol.Event;
import dev.pledge.coordinator.protocol.Message;
import dev.pledge.core.AbortReason;
import dev.pledge.core.BranchState;
import dev.pledge.core.Check;
import dev.pledge.core.TxId;
import dev.pledge.core.Limits;
import dev.pledge.failpoint.Failpoints;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.Expiry;
import dev.pledge.rpc.ReplicaSetClient;
import dev.pledge.rpc.RpcCaller;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.SplitCall;
import dev.pledge.rpc.WorkerPool;
import dev.pledge.runtime.Clock;
import dev.pledge.runtime.NodeLoop;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Ack;
import dev.pledge.coordinator.protocol.Write;
import dev.pledge.wire.ExchangeRequest;
import dev.pledge.wire.ExchangeResponse;
import dev.pledge.wire.DecisionItem;
import dev.pledge.wire.KvWrite;
import dev.pledge.wire.PrepareItem;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PeerStateRequest;
import dev.pledge.wire.PrepareResponse;
import dev.pledge.tls.ExpectedServer;
import dev.pledge.tls.Role;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.thrift.TException;

/**
 * Calls participants over Thrift, one RpcClient and one lane per configured participant (the
 * client retries transport failures inside the call's deadline; a replicated participant's lane
 * calls whichever of its replicas leads), and posts each result back as an event. A lane coalesces whatever messages wait for its participant into one exchange call
 * (prepares and decisions together), with at most {@link #LANE_CALLS_MAX} in flight per participant, so
 * under load many transactions share each round trip and each log sync over there. A prepare that
 * finds its lane idle leaves from the thread that stepped the core, if it can without blocking
 * ({@link RpcClient#sendNow}); a pool thread reads the answer. A message that cannot be queued is
 * reported as failed, so the core retries it.
 */
final class ParticipantSender implements MessageSender {
    /**
     * Crash point: a participant acknowledged a commit. With one sender thread
     * ({@code --sender-threads-max 1}) the first hit comes before any other participant is called.
     */
    static final String FAILPOINT_COMMIT_FIRST_DELIVERED = "coordinator.commit.first-delivered";
    /**
     * Crash point: a participant voted YES. With one sender thread the first hit comes before any
     * other participant is called, so the other participants have not voted.
     */
    static final String FAILPOINT_PREPARE_FIRST_VOTED = "coordinator.prepare.first-voted";
    private static final int QUEUED_PER_PARTICIPANT_MAX = 10_000;
    /** Items per batched call: bounds the frame size and how long one call holds a lane. */
    static final int BATCH_MAX = 256;

    static {
        Check.state(BATCH_MAX <= Limits.BATCH_ITEMS_MAX, "a participant refuses an exchange of more than %s items",
                Limits.BATCH_ITEMS_MAX);
    }
    /** Calls in flight per participant: one being served while the next batch gathers. */
    static final int LANE_CALLS_MAX = 2;
    private static final long SENDER_IDLE_MS = 60_000;

    private final String nodeId;
    private final Map<String, Lane> lanes = new TreeMap<>();
    private final long callTimeoutMs;
    private final long lingerMs;
    private final Consumer<Event> results;
    private final Clock time;
    private final WorkerPool pool;
    /** One per lane of an unreplicated participant, one per endpoint of replicated participants'; closed with the sender. */
    private final List<RpcClient> clients = new ArrayList<>();
    private final Map<Endpoint, RpcClient> replicaClients = new HashMap<>();
    /**
     * Whether a prepare's request may leave from the thread that stepped the core (see
     * {@code Lane.turnHere}). Not with one sender thread: that mode makes one call at a time, in
     * order, and the crash points above rely on it.
     */
    private final boolean sendsInPlace;
    final AtomicLong callsSent = new AtomicLong();
    /** Of {@link #callsSent}, those whose request left from the thread that stepped the core. */
    final AtomicLong callsSentInPlace = new AtomicLong();
    final AtomicLong callsFailed = new AtomicLong();
    final AtomicLong messagesSent = new AtomicLong();

    ParticipantSender(String nodeId, Map<String, Endpoint> participants, Map<String, List<Endpoint>> replicas,
                      RpcClientConfig rpc, long callTimeoutMs, int threadsMax, long lingerMs, Consumer<Event> results,
                      Clock time) {
        this.nodeId = nodeId;
        this.lingerMs = lingerMs;
        this.sendsInPlace = threadsMax > 1;
        int laneCalls = Math.min(LANE_CALLS_MAX, threadsMax);
        participants.forEach((id, endpoint) -> {
            // With TLS, the server must prove it is this participant (any replica of it serves as it).
            RpcClientConfig dialling = ExpectedServer.dialling(rpc, Role.PARTICIPANT, id);
            List<Endpoint> replicaSet = replicas.get(id);
            RpcCaller caller = replicaSet == null ? client(endpoint, dialling)
                    : new ReplicaSetClient(replicaSet, e -> replicaClient(e, dialling), time);
            lanes.put(id, new Lane(caller, laneCalls));
        });
        this.callTimeoutMs = callTimeoutMs;
        this.results = results;
        this.time = time;
        // Most recently idle first: at light load one or two warm threads make every call.
        this.pool = new WorkerPool(nodeId + "-send", threadsMax, lanes.size() * (LANE_CALLS_MAX + 1), SENDER_IDLE_MS);
    }

    private RpcClient client(Endpoint endpoint, RpcClientConfig rpc) {
        RpcClient c = new RpcClient(endpoint, rpc);
        synchronized (clients) {
            clients.add(c);
        }
        return c;
    }

    /** The client of a replica's endpoint, shared by every call there; a leader a hint names that is no configured replica gets one too. */
    private RpcClient replicaClient(Endpoint endpoint, RpcClientConfig rpc) {
        synchronized (clients) {
            return replicaClients.computeIfAbsent(endpoint, e -> client(e, rpc));
        }
    }

    @Override
    public void send(Message message) {
        Lane lane = lanes.get(message.participantId());
        if (lane == null) {
            results.accept(failed(message, "no address configured for participant " + message.participantId()));
            return;
        }
        lane.offer(message);
    }

    /**
     * One participant's queue; each turn on the pool sends one batch, so no lane starves another.
     * Phase two must never hold up phase one: a participant may let a call carrying only decisions
     * wait briefly for company to share its sync, so when every call in flight is such a call, a
     * waiting prepare gets one call beyond the limit (its arrival also ends their wait). Commits
     * to an idle lane wait up to {@code lingerMs} for a prepare to ride with: one client committing
     * back to back sends its next prepare well within it, so each transaction costs one call per
     * participant instead of two (and the participant one request, not two). Only commits wait,
     * never a prepare, an abort or an inquiry, and any of those takes the waiting commits along. A
     * commit goes only to a participant that voted yes, whose locks are a prepared branch's: a
     * later transaction meeting them waits (never dies) until the commit arrives, at most the
     * linger when no other transaction comes. An abort may release an unprepared branch's locks,
     * which a later transaction could only die on: it never waits.
     */
    private final class Lane {
        private final RpcCaller client;
        private final int callsMax;
        private final ArrayDeque<Message> queue = new ArrayDeque<>();
        private int calls;
        /** Calls in flight that carry a prepare or one-phase commit. */
        private int urgentCalls;
        /** Prepares and one-phase commits in the queue. */
        private int urgentQueued;
        /** Set while queued decisions wait for a prepare; done once a turn takes them. */
        private CompletableFuture<Void> lingering;

        Lane(RpcCaller client, int callsMax) {
            this.client = client;
            this.callsMax = callsMax;
        }

        void offer(Message m) {
            boolean queued;
            boolean start = false;
            boolean alone = false;
            CompletableFuture<Void> arm = null;
            CompletableFuture<Void> company = null;
            synchronized (this) {
                queued = queue.size() < QUEUED_PER_PARTICIPANT_MAX;
                if (queued) {
                    queue.add(m);
                    if (urgent(m)) urgentQueued++;
                    if (m instanceof Message.Commit && urgentQueued == 0 && lingerMs > 0) {
                        if (lingering == null) arm = lingering = new CompletableFuture<>();
                    } else {
                        start = calls < callsMax || (urgentQueued > 0 && urgentCalls == 0 && calls < callsMax + 1);
                    }
                    if (start) {
                        alone = calls == 0;
                        calls++;
                        company = lingering;
                        lingering = null;
                    }
                }
            }
            if (!queued) results.accept(failed(m, "send queue full"));
            if (company != null) company.complete(null);
            if (arm != null) {
                CompletableFuture<Void> wait = arm;
                Expiry.after(lingerMs, wait, () -> lingerEnded(wait));
            }
            if (start) {
                // Only to an idle lane: behind a call in flight, waiting for a pool thread gathers company.
                if (sendsInPlace && alone && urgent(m) && client instanceof RpcClient direct) turnHere(direct);
                else schedule();
            }
        }

        /** Decisions waited out the linger and no prepare came: they go alone. */
        private void lingerEnded(CompletableFuture<Void> wait) {
            boolean start;
            synchronized (this) {
                if (lingering != wait) return;
                lingering = null;
                start = !queue.isEmpty() && calls < callsMax;
                if (start) calls++;
            }
            if (start) schedule();
        }

        private void schedule() {
            schedule(this::turn, null);
        }

        /** Runs {@code rest} of a turn on the pool; if the pool is closed, {@code taken} (if any) and the queue fail. */
        private void schedule(Runnable rest, Batch taken) {
            try {
                pool.execute(rest);
            } catch (RejectedExecutionException e) {
                List<Message> dropped = taken == null ? new ArrayList<>() : taken.messages();
                synchronized (this) {
                    calls--;
                    dropped.addAll(queue);
                    queue.clear();
                    urgentQueued = 0;
                }
                dropped.forEach(m -> results.accept(failed(m, "sender closed")));
            }
        }

        private void turn() {
            // The answers this thread posts step the core here when the loop is idle: no wake-up of its thread.
            NodeLoop.runTasksHere();
            Batch batch = take();
            if (batch != null) call(batch);
        }

        private void call(Batch batch) {
            deliver(client, batch);
            finish(batch);
        }

        /**
         * A turn whose request leaves from the caller's thread (the one that stepped the core) when it
         * can without blocking, and whose answer a pool thread reads: a prepare reaches the participant
         * without waiting for a sender thread to wake, and the wake-up overlaps the participant's sync.
         */
        private void turnHere(RpcClient direct) {
            Batch batch = take();
            if (batch == null) return;
            Exchange exchange = batch.exchange;
            RpcClient.Sent<ExchangeResponse> sent = exchange == null || !batch.inquiries.isEmpty()
                    || exchange.bytesAtMost() > RpcClient.SEND_NOW_BYTES_MAX
                    ? null : direct.sendNow(Services.PARTICIPANT, FACTORY, exchange.call, callTimeoutMs);
            if (sent == null) {
                schedule(() -> {
                    NodeLoop.runTasksHere();
                    call(batch);
                }, batch);
                return;
            }
            callsSentInPlace.incrementAndGet();
            schedule(() -> {
                NodeLoop.runTasksHere();
                exchange.post(sent);
                finish(batch);
            }, batch);
        }

        /** Up to {@link #BATCH_MAX} queued messages for one call, or null (and the call given back) if none wait. */
        private Batch take() {
            List<Message> prepares = new ArrayList<>();
            List<Message> decisions = new ArrayList<>();
            List<Message> inquiries = new ArrayList<>();
            synchronized (this) {
                for (int n = 0; n < BATCH_MAX && !queue.isEmpty(); n++) {
                    Message m = queue.poll();
                    if (urgent(m)) {
                        urgentQueued--;
                        prepares.add(m);
                    } else if (m instanceof Message.Commit || m instanceof Message.Abort) {
                        decisions.add(m);
                    } else {
                        inquiries.add(m);
                    }
                }
                if (prepares.isEmpty() && decisions.isEmpty() && inquiries.isEmpty()) {
                    calls--;
                    return null;
                }
                if (!prepares.isEmpty()) urgentCalls++;
            }
            return new Batch(prepares.isEmpty() && decisions.isEmpty() ? null : new Exchange(prepares, decisions),
                    inquiries);
        }

        /** After a batch's call: gives the call back, or goes on with what came meanwhile. */
        private void finish(Batch batch) {
            boolean more;
            synchronized (this) {
                if (batch.carriesUrgent()) urgentCalls--;
                // Decisions that came meanwhile, with no prepare among them, keep waiting for one. A
                // call beyond the limit (a prepare's) goes on only for another prepare: the answers
                // may have stepped the core on this thread, queueing decisions while it still counted.
                more = !queue.isEmpty() && (urgentQueued > 0 || lingering == null)
                        && (calls <= callsMax || urgentQueued > 0 && urgentCalls == 0);
                if (!more) calls--;
            }
            if (more) schedule();
        }
    }

    /** What one turn of a lane sends: an exchange call (null if none) and the inquiries, each a call of its own. */
    private record Batch(Exchange exchange, List<Message> inquiries) {
        boolean carriesUrgent() {
            return exchange != null && !exchange.prepares.isEmpty();
        }

        List<Message> messages() {
            List<Message> all = new ArrayList<>(inquiries);
            if (exchange != null) {
                all.addAll(exchange.prepares);
                all.addAll(exchange.decisions);
            }
            return all;
        }
    }

    /** Phase one: someone is waiting on its answer. */
    private static boolean urgent(Message m) {
        return m instanceof Message.Prepare || m instanceof Message.CommitOnePhase;
    }

    private void deliver(RpcCaller client, Batch batch) {
        for (Message m : batch.inquiries) {
            if (m instanceof Message.AskBranch a) results.accept(askBranch(client, a));
            else if (m instanceof Message.AskVote a) results.accept(askVote(client, a));
            else results.accept(failed(m, "unknown message " + m));
        }
        Exchange exchange = batch.exchange;
        if (exchange != null) {
            exchange.post(() -> client.call(Services.PARTICIPANT, FACTORY, exchange.call.whole(), callTimeoutMs));
        }
    }

    /** Fixed fields of one prepare or decision item on the wire, at most (ids, numbers, headers). */
    private static final int ITEM_BYTES_MAX = 96;

    private static long bytes(String s) {
        return 4 + 3L * s.length(); // UTF-8: at most three bytes a char
    }

    private static long bytes(List<?> values) {
        long n = 0;
        if (values == null) return n;
        for (Object v : values) {
            if (v instanceof String s) n += bytes(s);
            else if (v instanceof Write w) n += 16 + w.key().length + (w.value() == null ? 0 : w.value().length);
        }
        return n;
    }

    /**
     * Prepares, one-phase commits (marked so) and phase-two decisions in one exchange call, so that
     * phase two of earlier transactions rides with phase one of later ones; and what its answer or
     * failure posts.
     */
    private final class Exchange {
        final List<Message> prepares;
        final List<Message> decisions;
        final SplitCall<Participant.Client, ExchangeResponse> call;

        Exchange(List<Message> prepares, List<Message> decisions) {
            this.prepares = prepares;
            this.decisions = decisions;
            List<PrepareItem> items = new ArrayList<>(prepares.size());
            for (Message m : prepares) {
                PrepareItem item;
                List<Write> writes;
                if (m instanceof Message.Prepare p) {
                    item = new PrepareItem(Wire.toWire(p.txId()), p.participants(), p.incarnation());
                    writes = p.writes();
                } else {
                    Message.CommitOnePhase o = (Message.CommitOnePhase) m;
                    item = new PrepareItem(Wire.toWire(o.txId()), List.of(o.participantId()), o.incarnation()).setOnePhase(true);
                    writes = o.writes();
                }
                if (writes != null) item.setWrites(kvWrites(writes));
                items.add(item);
            }
            List<DecisionItem> decided = new ArrayList<>(decisions.size());
            for (Message m : decisions) decided.add(new DecisionItem(Wire.toWire(m.txId()), m instanceof Message.Commit));
            this.call = new SplitCall<>() {
                @Override
                public void send(Participant.Client c, long remainingMs) throws TException {
                    c.send_exchange(new ExchangeRequest(remainingMs, items, decided));
                }

                @Override
                public ExchangeResponse receive(Participant.Client c) throws TException {
                    ExchangeResponse r = c.recv_exchange();
                    if (r.getVotesSize() != items.size() || r.getAcksSize() != decided.size()) {
                        throw new TException("participant answered " + r.getVotesSize() + " votes and " + r.getAcksSize()
                                + " acks for " + items.size() + " prepares and " + decided.size() + " decisions");
                    }
                    return r;
                }
            };
        }

        /** A bound on the request's size on the wire. */
        long bytesAtMost() {
            long bytes = 64;
            for (Message m : prepares) {
                List<Write> writes = m instanceof Message.Prepare p ? p.writes() : ((Message.CommitOnePhase) m).writes();
                List<String> participants = m instanceof Message.Prepare p ? p.participants() : List.of(m.participantId());
                bytes += ITEM_BYTES_MAX + bytes(m.txId().coordinatorId()) + bytes(participants) + bytes(writes);
            }
            for (Message m : decisions) bytes += ITEM_BYTES_MAX + bytes(m.txId().coordinatorId());
            return bytes;
        }

        /** Counts the call, takes its answer (which may make it) and posts each item's result or the failure. */
        void post(RpcClient.Sent<ExchangeResponse> answer) {
            callsSent.incrementAndGet();
            messagesSent.addAndGet(prepares.size() + decisions.size());
            ExchangeResponse r;
            try {
                r = answer.receive();
            } catch (TException | RuntimeException e) {
                callsFailed.incrementAndGet();
                prepares.forEach(m -> results.accept(failed(m, describe(e))));
                decisions.forEach(m -> results.accept(failed(m, describe(e))));
                return;
            }
            for (int i = 0; i < prepares.size(); i++) results.accept(voted(prepares.get(i), r.getVotes().get(i)));
            for (int i = 0; i < decisions.size(); i++) results.accept(acked(decisions.get(i), r.getAcks().get(i)));
        }
    }

    private Event voted(Message m, PrepareResponse r) {
        AbortReason reason = r.isSetReason() ? Wire.fromWire(r.getReason()) : null;
        if (m instanceof Message.CommitOnePhase) {
            return onePhase(m, r.isSetOnePhaseState() ? Wire.fromWire(r.getOnePhaseState()) : BranchState.UNKNOWN,
                    reason, r.getMessage(), r.isSetStorageId() ? r.getStorageId() : 0);
        }
        if (r.getVote() == dev.pledge.wire.Vote.YES) Failpoints.hit(FAILPOINT_PREPARE_FIRST_VOTED);
        return new Event.VoteReceived(time.nowMs(), m.txId(), m.participantId(), Wire.fromWire(r.getVote()), reason,
                r.getMessage(), r.isSetStorageId() ? r.getStorageId() : 0);
    }

    private Event acked(Message m, Ack ack) {
        if (ack.getState() == dev.pledge.wire.BranchState.UNKNOWN) {
            return failed(m, "participant could not take the decision (branch never prepared there)");
        }
        if (m instanceof Message.Commit) Failpoints.hit(FAILPOINT_COMMIT_FIRST_DELIVERED);
        // Any Ack state means the branch has the decision; the core tells a lost one from its state and storage.
        return new Event.Acked(time.nowMs(), m.txId(), m.participantId(), Wire.fromWire(ack.getState()),
                ack.isSetStorageId() ? ack.getStorageId() : 0);
    }

    private static List<KvWrite> kvWrites(List<Write> writes) {
        List<KvWrite> out = new ArrayList<>(writes.size());
        for (Write w : writes) {
            KvWrite kv = new KvWrite(ByteBuffer.wrap(w.key()));
            if (w.value() != null) kv.setValue(w.value());
            out.add(kv);
        }
        return out;
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static final Participant.Client.Factory FACTORY = new Participant.Client.Factory();

    /** The branch of an unresolved one-phase commit, asked on its own (peerState). */
    private Event askBranch(RpcCaller client, Message.AskBranch m) {
        return askPeerState(client, m, (state, storageId) -> onePhase(m, state, null, null, storageId));
    }

    /** Resolution: the participant refuses if it has not voted, else answers its durable vote (peerState). */
    private Event askVote(RpcCaller client, Message.AskVote m) {
        return askPeerState(client, m,
                (state, storageId) -> Event.ofVoteAnswer(time.nowMs(), m.txId(), m.participantId(), state, storageId));
    }

    private interface PeerStateAnswer {
        Event of(BranchState state, long storageId);
    }

    /** One peerState call about {@code m}'s branch; its answer as {@code answer} reads it, or the failure event. */
    private Event askPeerState(RpcCaller client, Message m, PeerStateAnswer answer) {
        callsSent.incrementAndGet();
        messagesSent.incrementAndGet();
        try {
            var r = client.call(Services.PARTICIPANT, FACTORY, (c, remainingMs) -> c.peerState(
                    new PeerStateRequest(remainingMs, Wire.toWire(m.txId()), nodeId)), callTimeoutMs);
            return answer.of(Wire.fromWire(r.getState()), r.isSetStorageId() ? r.getStorageId() : 0);
        } catch (TException | RuntimeException e) {
            callsFailed.incrementAndGet();
            return failed(m, describe(e));
        }
    }

    /**
     * What {@code participantId} says of {@code txId}, asked without changing anything there (peerState
     * with inquireOnly), on the caller's thread. Not counted in the commit path's call figures.
     *
     * @throws CompletionException wrapping the failure (unreachable, no address)
     */
    BranchState inquire(String participantId, TxId txId, long waitMs) {
        Lane lane = lanes.get(participantId);
        if (lane == null) {
            throw new CompletionException(
                    new TException("no address configured for participant " + participantId));
        }
        try {
            var r = lane.client.call(Services.PARTICIPANT, FACTORY, (c, remainingMs) -> c.peerState(
                    new PeerStateRequest(remainingMs, Wire.toWire(txId), nodeId).setInquireOnly(true)), waitMs);
            return Wire.fromWire(r.getState());
        } catch (TException | RuntimeException e) {
            throw new CompletionException(new TException(describe(e), e));
        }
    }

    private Event.OnePhaseResult onePhase(Message m, BranchState state, AbortReason reason, String message,
                                          long storageId) {
        Event.OnePhaseOutcome outcome = switch (state) {
            case COMMITTED, HEURISTIC_COMMITTED -> Event.OnePhaseOutcome.COMMITTED;
            case ABORTED, HEURISTIC_ABORTED -> Event.OnePhaseOutcome.ABORTED;
            default -> Event.OnePhaseOutcome.UNKNOWN;
        };
        return new Event.OnePhaseResult(time.nowMs(), m.txId(), m.participantId(), outcome, reason, message, storageId);
    }

    private Event failed(Message m, String error) {
        long nowMs = time.nowMs();
        if (m instanceof Message.Prepare || m instanceof Message.AskVote) {
            return new Event.PrepareFailed(nowMs, m.txId(), m.participantId(), error);
        }
        if (m instanceof Message.CommitOnePhase || m instanceof Message.AskBranch) {
            return new Event.OnePhaseResult(nowMs, m.txId(), m.participantId(), Event.OnePhaseOutcome.UNKNOWN);
        }
        return new Event.DeliveryFailed(nowMs, m.txId(), m.participantId(), error);
    }

    @Override
    public void close() {
        pool.shutdownNow();
        synchronized (clients) {
            clients.forEach(RpcClient::close);
        }
    }
}
