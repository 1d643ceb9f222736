package dev.pledge.participant.runtime;

import dev.pledge.runtime.Threads;
import dev.pledge.core.TxId;
import dev.pledge.participant.protocol.Event;
import dev.pledge.participant.protocol.Message;
import dev.pledge.participant.protocol.Reply;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcException;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.ThriftCall;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.EnlistRequest;
import dev.pledge.wire.EnlistResponse;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.NotAllowed;
import dev.pledge.wire.StatusRequest;
import dev.pledge.wire.StatusResponse;
import dev.pledge.wire.UnknownTransaction;
import dev.pledge.core.Check;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.thrift.TException;

/**
 * Sends the core's messages to the coordinators (enlist, status) on a small bounded pool and posts
 * the answers back as events. Each message goes to the coordinator that issued its TxId; one with
 * no address here counts as unreachable (its in-doubt branches then ask their peers). Every failure
 * becomes an event too, so the core always hears back.
 *
 * <p>While a coordinator's circuit is open, one enlist or status call at a time is sent anyway as a
 * liveness probe, and its answer closes the circuit: enlistment works again as soon as the
 * coordinator answers, not a cool-down later (participants refused it for seconds after a restart).
 */
final class CoordinatorLink implements AutoCloseable {
    private static final int THREADS = 8;
    private static final int QUEUE_MAX = 10_000;
    private static final Coordinator.Client.Factory FACTORY = new Coordinator.Client.Factory();

    private final String participantId;
    /** By coordinator node id. */
    private final Map<String, RpcClient> clients;
    private final long callMs;
    private final ThreadPoolExecutor pool;
    private final CoordinatorContact contact;
    /** By coordinator node id: a call is out as a probe through its open circuit. */
    private final Map<String, AtomicBoolean> probing;
    private volatile EventLoop loop;

    CoordinatorLink(String participantId, Map<String, RpcClient> clients, long callMs, CoordinatorContact contact) {
        Check.argument(!clients.isEmpty(), "at least one coordinator is required");
        this.participantId = participantId;
        this.clients = Map.copyOf(clients);
        this.callMs = callMs;
        this.contact = contact;
        this.probing = clients.keySet().stream().collect(Collectors.toUnmodifiableMap(id -> id, id -> new AtomicBoolean()));
        this.pool = Threads.boundedPool("participant-" + participantId + "-coordinator-link", THREADS, QUEUE_MAX);
    }

    /**
     * Deadline of an in-doubt branch's status poll. The coordinator answers it from memory; one that
     * cannot within this is counted unreachable for the round, so a stopped coordinator is noticed
     * in time for the peers to settle the branch (they commit on every yes, abort on any refusal).
     */
    static final long IN_DOUBT_STATUS_CALL_MS = 400;

    void attach(EventLoop loop) {
        this.loop = loop;
    }

    void send(Message m) {
        try {
            if (m instanceof Message.Enlist e) pool.execute(() -> enlist(e));
            else if (m instanceof Message.AskCoordinatorStatus s) pool.execute(() -> status(s.txId()));
        } catch (RejectedExecutionException full) {
            answer(m, "too many pending coordinator calls");
        }
    }

    private void enlist(Message.Enlist m) {
        String coordinatorId = m.txId().coordinatorId();
        try {
            EnlistResponse r = call(coordinatorId, (c, remainingMs) -> c.enlist(new EnlistRequest(remainingMs,
                    Wire.toWire(m.txId()), participantId, m.incarnation())), callMs);
            contact.ok(coordinatorId);
            post(now -> Event.EnlistResult.ok(now, m.txId(), r.getTxRemainingMs()));
        } catch (NotAllowed e) {
            contact.ok(coordinatorId);
            post(now -> Event.EnlistResult.refused(now, m.txId(), Reply.ErrorKind.NOT_ALLOWED, e.getMessage()));
        } catch (UnknownTransaction e) {
            contact.ok(coordinatorId);
            post(now -> Event.EnlistResult.refused(now, m.txId(), Reply.ErrorKind.UNKNOWN_TRANSACTION,
                    "coordinator does not know transaction " + m.txId() + ": " + e.getMessage()));
        } catch (InvalidArgument e) {
            contact.ok(coordinatorId);
            post(now -> Event.EnlistResult.refused(now, m.txId(), Reply.ErrorKind.INVALID, e.getMessage()));
        } catch (TException | RuntimeException e) {
            contact.failed(coordinatorId, describe(e));
            answer(m, describe(e));
        }
    }

    private void status(TxId txId) {
        long sentNs = System.nanoTime();
        try {
            StatusResponse r = statusNow(txId, Math.min(callMs, IN_DOUBT_STATUS_CALL_MS));
            post(now -> new Event.CoordinatorStatus(now, txId, Wire.fromWire(r.getState()),
                    r.isSetReason() ? Wire.fromWire(r.getReason()) : null));
        } catch (TException | RuntimeException e) {
            long silentMs = (System.nanoTime() - sentNs) / 1_000_000;
            post(now -> new Event.CoordinatorUnreachable(now, txId, describe(e), now - silentMs));
        }
    }

    /** Asks the coordinator now, on the caller's thread (operators' resolve); failures are recorded, then thrown. */
    StatusResponse statusNow(TxId txId, long waitMs) throws TException {
        String coordinatorId = txId.coordinatorId();
        try {
            StatusResponse r = call(coordinatorId,
                    (c, remainingMs) -> c.status(new StatusRequest(remainingMs, Wire.toWire(txId))), waitMs);
            contact.ok(coordinatorId);
            return r;
        } catch (UnknownTransaction e) {
            contact.ok(coordinatorId);
            throw e;
        } catch (NoAddress e) {
            throw e;
        } catch (TException | RuntimeException e) {
            contact.failed(coordinatorId, describe(e));
            throw e;
        }
    }

    /**
     * {@code call} to coordinator {@code coordinatorId} within {@code waitMs}, retried by its
     * RpcClient's policy; if its circuit is open, sent once as a probe unless another call is
     * probing already (then the refusal is thrown).
     */
    private <R> R call(String coordinatorId, ThriftCall<Coordinator.Client, R> call, long waitMs) throws TException {
        RpcClient client = clientOf(coordinatorId);
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        try {
            return client.call(Services.COORDINATOR, FACTORY, call, waitMs);
        } catch (RpcException e) {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            AtomicBoolean probe = probing.get(coordinatorId);
            if (e.kind() != RpcException.Kind.CIRCUIT_OPEN || leftMs <= 0 || !probe.compareAndSet(false, true)) throw e;
            try {
                return client.probe(Services.COORDINATOR, FACTORY, call, leftMs);
            } finally {
                probe.set(false);
            }
        }
    }

    /** The client of coordinator {@code coordinatorId}. */
    private RpcClient clientOf(String coordinatorId) throws NoAddress {
        RpcClient c = clients.get(coordinatorId);
        if (c == null) throw new NoAddress(coordinatorId, clients.keySet());
        return c;
    }

    /** A TxId of a coordinator this participant has no address for (not configured, or since removed). */
    static final class NoAddress extends TException {
        NoAddress(String coordinatorId, Set<String> known) {
            super("no address for coordinator " + coordinatorId + " (configured: " + new TreeSet<>(known) + ")");
        }
    }

    /**
     * A liveness probe for /health; the result lands in the contact. It is sent even while the
     * circuit is open, so enlistment works again within one ping period of the coordinator's return.
     */
    void ping(long waitMs) {
        clients.forEach((coordinatorId, client) -> {
            try {
                client.probe(Services.COORDINATOR, FACTORY, (c, remainingMs) -> c.ping(), waitMs);
                contact.ok(coordinatorId);
            } catch (TException | RuntimeException e) {
                contact.failed(coordinatorId, describe(e));
            }
        });
    }

    /** The failure answer for a message that could not be sent or answered. */
    private void answer(Message m, String error) {
        if (m instanceof Message.Enlist e) {
            post(now -> Event.EnlistResult.refused(now, e.txId(), Reply.ErrorKind.UNAVAILABLE,
                    "coordinator unreachable: " + error));
        } else if (m instanceof Message.AskCoordinatorStatus s) {
            post(now -> new Event.CoordinatorUnreachable(now, s.txId(), error));
        }
    }

    private void post(java.util.function.LongFunction<Event> event) {
        EventLoop l = loop;
        // An answer to this node's own call is never dropped: it waits for room in the loop.
        if (l != null) l.postInternal((now, view) -> event.apply(now));
    }

    static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    @Override
    public void close() {
        pool.shutdownNow();
        clients.values().forEach(RpcClient::close);
    }
}
