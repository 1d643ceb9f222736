package dev.pledge.testkit;

import dev.pledge.wire.AbortReason;
import dev.pledge.wire.AbortRequest;
import dev.pledge.wire.BeginRequest;
import dev.pledge.wire.BeginResponse;
import dev.pledge.wire.CommitRequest;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.EnlistRequest;
import dev.pledge.wire.EnlistResponse;
import dev.pledge.wire.Outcome;
import dev.pledge.wire.PingResponse;
import dev.pledge.wire.StatusRequest;
import dev.pledge.wire.StatusResponse;
import dev.pledge.wire.TxId;
import dev.pledge.wire.TxState;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.thrift.TException;

/**
 * A coordinator whose answers a test scripts: each queue gives its next answer, repeating the
 * last one when one is left. An answer may be an exception to throw. Records what it received.
 */
public final class ScriptedCoordinator implements Coordinator.Iface {
    private final AtomicLong sequence = new AtomicLong();
    private final Deque<Object> commitAnswers = new ArrayDeque<>();
    private final Deque<Object> statusAnswers = new ArrayDeque<>();
    private final Deque<Object> abortAnswers = new ArrayDeque<>();
    private final Deque<Object> enlistAnswers = new ArrayDeque<>();
    public final List<BeginRequest> begins = new CopyOnWriteArrayList<>();
    public final List<CommitRequest> commits = new CopyOnWriteArrayList<>();
    public final List<StatusRequest> statuses = new CopyOnWriteArrayList<>();
    public final List<AbortRequest> aborts = new CopyOnWriteArrayList<>();
    public final List<EnlistRequest> enlists = new CopyOnWriteArrayList<>();

    public static Outcome outcome(TxState state) {
        return new Outcome(state);
    }

    public static Outcome aborted(AbortReason reason, String message) {
        return new Outcome(TxState.ABORTED).setReason(reason).setMessage(message);
    }

    public static StatusResponse status(TxState state) {
        return new StatusResponse(state);
    }

    public synchronized ScriptedCoordinator onCommit(Object... answers) {
        commitAnswers.addAll(List.of(answers));
        return this;
    }

    public synchronized ScriptedCoordinator onStatus(Object... answers) {
        statusAnswers.addAll(List.of(answers));
        return this;
    }

    public synchronized ScriptedCoordinator onEnlist(Object... answers) {
        enlistAnswers.addAll(List.of(answers));
        return this;
    }

    public synchronized ScriptedCoordinator onAbort(Object... answers) {
        abortAnswers.addAll(List.of(answers));
        return this;
    }

    @Override
    public BeginResponse begin(BeginRequest request) {
        begins.add(request);
        long txTimeoutMs = request.getTxTimeoutMs() == 0 ? 10_000 : request.getTxTimeoutMs();
        return new BeginResponse(new TxId("coord-1", 7, sequence.incrementAndGet()), txTimeoutMs);
    }

    @Override
    public EnlistResponse enlist(EnlistRequest request) throws TException {
        enlists.add(request);
        return (EnlistResponse) next(enlistAnswers);
    }

    @Override
    public Outcome commit(CommitRequest request) throws TException {
        commits.add(request);
        return (Outcome) next(commitAnswers);
    }

    @Override
    public Outcome abort(AbortRequest request) throws TException {
        aborts.add(request);
        synchronized (this) {
            if (abortAnswers.isEmpty()) return aborted(AbortReason.CLIENT_REQUESTED, "aborted by client");
        }
        return (Outcome) next(abortAnswers);
    }

    @Override
    public StatusResponse status(StatusRequest request) throws TException {
        statuses.add(request);
        return (StatusResponse) next(statusAnswers);
    }

    @Override
    public dev.pledge.wire.CommitWritesResponse commitWrites(dev.pledge.wire.CommitWritesRequest request)
            throws dev.pledge.wire.Unavailable {
        throw new dev.pledge.wire.Unavailable("commitWrites is not scripted");
    }

    @Override
    public PingResponse ping() {
        return new PingResponse("coord-1", 7);
    }

    private synchronized Object next(Deque<Object> answers) throws TException {
        Object answer = answers.size() > 1 ? answers.pollFirst() : answers.peekFirst();
        if (answer == null) throw new IllegalStateException("test did not script this call");
        if (answer instanceof TException e) throw e;
        return answer;
    }
}
