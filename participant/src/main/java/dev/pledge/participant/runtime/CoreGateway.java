package dev.pledge.participant.runtime;

import dev.pledge.participant.rpc.CoreAccess;
import dev.pledge.participant.protocol.CoreView;
import dev.pledge.participant.protocol.Event;
import dev.pledge.participant.protocol.Reply;
import dev.pledge.rpc.Expiry;
import dev.pledge.wire.Unavailable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
        try {
            return askAllLater(makers, waitMs).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting", 0);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Unavailable u) throw u;
            throw unavailable("request failed: " + e.getCause(), 0);
        }
    }

    /**
     * As {@link #askAll} without blocking: the replies complete the future on the thread that
     * releases them. It fails with Unavailable if an event cannot be posted or the replies do not
     * all come within {@code waitMs}.
     */
    @Override
    public CompletableFuture<List<Reply>> askAllLater(List<RequestMaker> makers, long waitMs) {
        if (waitMs <= 0) return CompletableFuture.failedFuture(unavailable("the request's deadline has already passed", 0));
        long[] tokens = new long[makers.size()];
        @SuppressWarnings("unchecked")
        CompletableFuture<Reply>[] answers = new CompletableFuture[makers.size()];
        for (int i = 0; i < makers.size(); i++) {
            RequestMaker maker = makers.get(i);
            long token = nextToken.getAndIncrement();
            answers[i] = new CompletableFuture<>();
            pending.put(token, answers[i]);
            tokens[i] = token;
            if (!loop.post((now, view) -> maker.make(token, now, view))) {
                forget(tokens, i + 1);
                return CompletableFuture.failedFuture(unavailable(loop.whyRefused(), 50));
            }
        }
        CompletableFuture<Void> all = answers.length == 1 ? answers[0].thenApply(r -> null) : CompletableFuture.allOf(answers);
        Expiry.after(waitMs, all, () -> all.completeExceptionally(new TimeoutException()));
        return all.handle((ignored, failure) -> {
            forget(tokens, tokens.length);
            if (failure == null) {
                List<Reply> replies = new ArrayList<>(answers.length);
                for (CompletableFuture<Reply> answer : answers) replies.add(answer.join());
                return replies;
            }
            throw new CompletionException(failure instanceof TimeoutException
                    ? unavailable("no answer within the request's deadline of " + waitMs + " ms", 0) : failure);
        });
    }

    private void forget(long[] tokens, int count) {
        for (int i = 0; i < count; i++) pending.remove(tokens[i]);
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
