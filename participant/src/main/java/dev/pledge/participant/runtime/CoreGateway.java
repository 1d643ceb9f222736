package dev.pledge.participant.runtime;

import dev.pledge.participant.rpc.CoreAccess;
import dev.pledge.participant.protocol.CoreView;
import dev.pledge.participant.protocol.Event;
import dev.pledge.participant.protocol.Reply;
import dev.pledge.wire.Unavailable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * How request threads talk to the core's thread: post an event carrying a fresh token, then block
 * (bounded by the request's deadline) until the reply with that token is released.
 */
public final class CoreGateway implements CoreAccess {

    private final EventLoop loop;
    private final AtomicLong nextToken = new AtomicLong(1);
    private final Map<Long, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();

    CoreGateway(EventLoop loop) {
        this.loop = loop;
    }

    /** Posts the event and waits for its reply; Unavailable if the loop is full or the wait exceeds {@code waitMs}. */
    @Override
    public Reply ask(RequestMaker maker, long waitMs) throws Unavailable {
        return askAll(List.of(maker), waitMs).get(0);
    }

    /**
     * Posts one event per maker and waits for all their replies (one batch, one shared wait):
     * replies in maker order. Unavailable if any cannot be posted or answered within {@code waitMs}.
     */
    @Override
    public List<Reply> askAll(List<RequestMaker> makers, long waitMs) throws Unavailable {
        if (waitMs <= 0) throw unavailable("the request's deadline has already passed", 0);
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        List<Long> tokens = new ArrayList<>(makers.size());
        List<CompletableFuture<Reply>> answers = new ArrayList<>(makers.size());
        try {
            for (RequestMaker maker : makers) {
                long token = nextToken.getAndIncrement();
                CompletableFuture<Reply> answer = new CompletableFuture<>();
                pending.put(token, answer);
                tokens.add(token);
                answers.add(answer);
                if (!loop.post((now, view) -> maker.make(token, now, view))) {
                    throw unavailable(loop.whyRefused(), 50);
                }
            }
            List<Reply> replies = new ArrayList<>(answers.size());
            for (CompletableFuture<Reply> answer : answers) {
                replies.add(answer.get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return replies;
        } catch (TimeoutException e) {
            throw unavailable("no answer within the request's deadline of " + waitMs + " ms", 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting", 0);
        } catch (ExecutionException e) {
            throw unavailable("request failed: " + e.getCause(), 0);
        } finally {
            for (Long token : tokens) pending.remove(token);
        }
    }

    /** Posts an event nobody waits for (e.g. the end of an operation). */
    @Override
    public void tell(Function<Long, Event> maker) throws Unavailable {
        if (!loop.post((now, view) -> maker.apply(now))) {
            throw unavailable(loop.whyRefused(), 50);
        }
    }

    /** Answers a read-only question on the loop thread. */
    @Override
    public <T> T query(Function<CoreView, T> question, long waitMs) throws Unavailable {
        try {
            return loop.query(question).get(waitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw unavailable("no answer within " + waitMs + " ms", 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting", 0);
        } catch (ExecutionException e) {
            throw unavailable(String.valueOf(e.getCause().getMessage()), 50);
        }
    }

    /** Called by the released effects; a reply nobody waits for any more (timed out) is dropped. */
    void deliver(Reply reply) {
        CompletableFuture<Reply> answer = pending.remove(reply.token());
        if (answer != null) answer.complete(reply);
    }

    static Unavailable unavailable(String message, long retryAfterMs) {
        Unavailable u = new Unavailable(message);
        if (retryAfterMs > 0) u.setRetryAfterMs(retryAfterMs);
        return u;
    }
}
