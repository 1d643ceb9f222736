package dev.pledge.rpc;

import dev.pledge.runtime.Clock;
import dev.pledge.core.Backoff;
import dev.pledge.core.Check;
import dev.pledge.wire.Unavailable;
import java.security.SecureRandom;
import java.util.Random;
import org.apache.thrift.TException;
import org.apache.thrift.TServiceClient;
import org.apache.thrift.TServiceClientFactory;
import org.apache.thrift.protocol.TMultiplexedProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of one endpoint: deadlines, retries with full-jitter backoff, a retry budget, a circuit
 * breaker and a connection pool. Thread-safe; share one per endpoint.
 *
 * <p>Only transport failures and the wire {@code Unavailable} are retried, except an {@code Unavailable}
 * with a leader hint, which goes back to the caller ({@link ReplicaSetClient} follows it). Any other exception
 * (NotAllowed, InvalidArgument, UnknownTransaction, DeadlineExceeded, TApplicationException, ...) is
 * the server's answer and propagates unchanged on first occurrence. Callers must only pass calls that are safe
 * to repeat: every Pledge protocol call is, and participant operations are made so by re-sending
 * the same {@code TxContext.opSeq}.
 */
public final class RpcClient implements RpcCaller {
    private static final Logger log = LoggerFactory.getLogger(RpcClient.class);
    /** Longer deadlines are clamped to this (a day), which also keeps the arithmetic from overflowing. */
    static final long DEADLINE_MAX_MS = 24L * 3600 * 1000;
    /**
     * The largest request {@link #sendNow} writes on its caller's thread: far below the socket
     * buffers of an idle connection (Linux gives a TCP socket 16 KiB to 4 MiB of send buffer and
     * more again on the receiving side), so the write returns without waiting for the peer.
     */
    public static final int SEND_NOW_BYTES_MAX = 16 * 1024;

    private final Endpoint endpoint;
    private final RpcClientConfig config;
    private final Clock time;
    private final Random random;
    private final Backoff backoff;
    private final RetryBudget budget;
    private final CircuitBreaker breaker;
    private final ConnectionPool pool;

    public RpcClient(Endpoint endpoint, RpcClientConfig config) {
        this(endpoint, config, Clock.system(), new Random(new SecureRandom().nextLong()));
    }

    public RpcClient(Endpoint endpoint, RpcClientConfig config, Clock time, Random random) {
        this.endpoint = Check.notNull(endpoint, "endpoint");
        this.config = Check.notNull(config, "config");
        this.time = Check.notNull(time, "time");
        this.random = Check.notNull(random, "random");
        this.backoff = new Backoff(config.backoffBaseMs(), config.backoffMaxMs());
        this.budget = new RetryBudget(config.retryBudgetRatio(), config.retryBudgetFloor(), config.retryBudgetWindowMs());
        this.breaker = new CircuitBreaker(endpoint.toString(), endpoint, config.breakerFailureThreshold(), config.breakerCoolDownMs());
        this.pool = new ConnectionPool(endpoint, config.poolSize(), config.maxFrameBytes(), config.tls(), time);
    }

    /** Calls the multiplexed service {@code serviceName} within {@code deadlineMs} from now, retrying per policy. */
    @Override
    public <C extends TServiceClient, R> R call(String serviceName, TServiceClientFactory<C> factory,
            ThriftCall<C, R> call, long deadlineMs) throws TException {
        Check.notNull(serviceName, "serviceName");
        Check.notNull(factory, "factory");
        Check.notNull(call, "call");
        long deadlineAtMs = time.nowMs() + Math.min(Math.max(0, deadlineMs), DEADLINE_MAX_MS);
        budget.recordCall(time.nowMs());
        return attempts(serviceName, factory, call, deadlineAtMs, deadlineMs, 0, null, true);
    }

    /** The attempts of a call from {@code first} on, {@code last} the failure of the one before. */
    private <C extends TServiceClient, R> R attempts(String serviceName, TServiceClientFactory<C> factory,
            ThriftCall<C, R> call, long deadlineAtMs, long deadlineMs, int first, TException last, boolean neverSent)
            throws TException {
        for (int attempt = first; ; attempt++) {
            long remainingMs = deadlineAtMs - time.nowMs();
            if (remainingMs <= 0) {
                throw new RpcException(RpcException.Kind.DEADLINE_EXCEEDED,
                        describe(serviceName) + " deadline of " + deadlineMs + " ms passed after " + attempt + " attempts",
                        last, neverSent);
            }
            if (!breaker.tryAcquire(time.nowMs())) {
                throw new RpcException(RpcException.Kind.CIRCUIT_OPEN,
                        describe(serviceName) + " circuit is open; not sent", last, neverSent);
            }
            try {
                Connection connection = pool.borrow(Math.min(config.connectTimeoutMs(), remainingMs));
                neverSent = false; // connected: from here on a byte of the request may reach the endpoint
                R result = attemptOnce(connection, serviceName, factory, call, remainingMs);
                breaker.onSuccess();
                return result;
            } catch (TException e) {
                if (!mayRetry(e)) throw e;
                last = e;
            } catch (RuntimeException | Error e) {
                breaker.onAbandoned();
                throw e;
            }
            sleepBeforeRetry(serviceName, attempt, deadlineAtMs, deadlineMs, last, neverSent);
        }
    }

    /**
     * A request written on the calling thread, whose answer another thread reads with
     * {@link Sent#receive}: the request reaches the endpoint without waiting for that thread to wake.
     * Only when the write cannot block: the circuit is closed and a pooled connection is idle, so
     * nothing of an earlier call is left in its buffers, and the caller keeps the request under
     * {@link #SEND_NOW_BYTES_MAX}. Otherwise null, and nothing was sent: make the ordinary
     * {@link #call}. A failure of this first attempt, in either half, goes on as {@link #call}'s
     * retries would (backoff, attempts, budget), from {@link Sent#receive}.
     */
    public <C extends TServiceClient, R> Sent<R> sendNow(String serviceName, TServiceClientFactory<C> factory,
            SplitCall<C, R> call, long deadlineMs) {
        if (breaker.state() != CircuitBreaker.State.CLOSED) return null;
        Connection connection = pool.borrowIdle();
        if (connection == null) return null;
        long nowMs = time.nowMs();
        long boundedMs = Math.min(Math.max(0, deadlineMs), DEADLINE_MAX_MS);
        long deadlineAtMs = nowMs + boundedMs;
        budget.recordCall(nowMs);
        C client;
        try {
            connection.setTimeoutMs(boundedMs);
            client = factory.getClient(new TMultiplexedProtocol(connection.protocol(), serviceName));
            call.send(client, boundedMs);
        } catch (TException e) {
            // Most likely a pooled connection the peer dropped (it restarted): the retries open a fresh one.
            giveBack(connection, e);
            return () -> afterFirstAttempt(serviceName, factory, call, deadlineAtMs, deadlineMs, e);
        } catch (RuntimeException | Error e) {
            connection.close();
            throw e;
        }
        return () -> {
            R result;
            try {
                result = call.receive(client);
            } catch (TException e) {
                giveBack(connection, e);
                return afterFirstAttempt(serviceName, factory, call, deadlineAtMs, deadlineMs, e);
            } catch (RuntimeException | Error e) {
                connection.close();
                breaker.onAbandoned();
                throw e;
            }
            giveBack(connection, null);
            breaker.onSuccess();
            return result;
        };
    }

    /** What {@link #call} does after its first attempt failed with {@code failure}: the answer stands, or the call is retried. */
    private <C extends TServiceClient, R> R afterFirstAttempt(String serviceName, TServiceClientFactory<C> factory,
            SplitCall<C, R> call, long deadlineAtMs, long deadlineMs, TException failure) throws TException {
        if (!mayRetry(failure)) throw failure;
        sleepBeforeRetry(serviceName, 0, deadlineAtMs, deadlineMs, failure, false);
        return attempts(serviceName, factory, call.whole(), deadlineAtMs, deadlineMs, 1, failure, false);
    }

    /** Tells the breaker what a failed attempt says of the endpoint; whether the call may try again. */
    private boolean mayRetry(TException e) {
        if (e instanceof FrameTooLargeException) {
            breaker.onAbandoned(); // refused here; says nothing about the endpoint
            return false;
        }
        if (!Failures.isRetryable(e) || Failures.redirects(e)) {
            breaker.onSuccess(); // the endpoint answered; it is healthy
            return false;
        }
        breaker.onFailure(time.nowMs());
        return true;
    }

    /** The answer to a request {@link #sendNow} wrote. */
    @FunctionalInterface
    public interface Sent<R> {
        /** Reads it; call once. */
        R receive() throws TException;
    }

    /**
     * One attempt of {@code call}, sent even while the circuit is open: a liveness probe. Its answer
     * tells the breaker the truth at once, so a node that answers again is called again without
     * waiting out the cool-down (a participant refused enlistment for seconds after its coordinator
     * came back). Callers rate-limit their probes.
     */
    public <C extends TServiceClient, R> R probe(String serviceName, TServiceClientFactory<C> factory,
            ThriftCall<C, R> call, long deadlineMs) throws TException {
        try {
            long timeoutMs = Math.min(Math.max(1, deadlineMs), DEADLINE_MAX_MS);
            R result = attemptOnce(pool.borrow(Math.min(config.connectTimeoutMs(), timeoutMs)), serviceName, factory, call,
                    timeoutMs);
            breaker.onProbe(true, time.nowMs());
            return result;
        } catch (TException e) {
            breaker.onProbe(!Failures.isRetryable(e), time.nowMs());
            throw e;
        }
    }

    /** Gives up (by throwing) or sleeps the backoff before the next attempt. */
    private void sleepBeforeRetry(String serviceName, int attempt, long deadlineAtMs, long deadlineMs, TException last,
            boolean neverSent) throws TException {
        if (attempt + 1 >= config.maxAttempts()) {
            if (Failures.isUnavailable(last)) throw last;
            throw new RpcException(RpcException.Kind.UNAVAILABLE,
                    describe(serviceName) + " failed " + (attempt + 1) + " attempts: " + last, last, neverSent);
        }
        if (!budget.tryAcquireRetry(time.nowMs())) {
            throw new RpcException(RpcException.Kind.BUDGET_EXHAUSTED,
                    describe(serviceName) + " retry budget exhausted after: " + last, last, neverSent);
        }
        long sleepMs = backoff.delayMs(attempt, random);
        if (last instanceof Unavailable u && u.isSetRetryAfterMs()) {
            // The server knows best when it will have room; the cap still bounds what it may ask.
            sleepMs = Math.max(sleepMs, Math.min(Math.max(0, u.getRetryAfterMs()), config.backoffMaxMs()));
        }
        if (time.nowMs() + sleepMs >= deadlineAtMs) {
            throw new RpcException(RpcException.Kind.DEADLINE_EXCEEDED, describe(serviceName) + " backoff of " + sleepMs
                    + " ms would cross the deadline of " + deadlineMs + " ms; last error: " + last, last, neverSent);
        }
        log.debug("rpc-client {} attempt {} failed ({}); retrying in {} ms",
                describe(serviceName), attempt + 1, last, sleepMs);
        RpcObserver.Registry.retried(endpoint, serviceName, attempt + 1);
        try {
            time.sleepMs(sleepMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(RpcException.Kind.DEADLINE_EXCEEDED,
                    describe(serviceName) + " interrupted while backing off", last, neverSent);
        }
    }

    /** One attempt on {@code connection}, which it releases or closes. */
    private <C extends TServiceClient, R> R attemptOnce(Connection connection, String serviceName,
            TServiceClientFactory<C> factory, ThriftCall<C, R> call, long remainingMs) throws TException {
        R result;
        try {
            connection.setTimeoutMs(remainingMs);
            C client = factory.getClient(new TMultiplexedProtocol(connection.protocol(), serviceName));
            result = call.call(client, remainingMs);
        } catch (TException e) {
            giveBack(connection, e);
            throw e;
        } catch (RuntimeException | Error e) {
            connection.close();
            throw e;
        }
        giveBack(connection, null);
        return result;
    }

    /**
     * A connection after an attempt ({@code failure} null if it succeeded): back to the pool if its
     * stream holds nothing half-read, else closed. A transport failure closes every pooled one too.
     */
    private void giveBack(Connection connection, TException failure) {
        if (failure != null && Failures.isTransport(failure)) pool.clear();
        if (failure == null || Failures.leavesConnectionUsable(failure)) pool.release(connection);
        else connection.close();
    }

    private String describe(String serviceName) {
        return endpoint + "/" + serviceName;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** Visible for tests and metrics. */
    CircuitBreaker.State breakerState() {
        return breaker.state();
    }

    int idleConnections() {
        return pool.idleCount();
    }

    @Override
    public void close() {
        pool.close();
    }
}
