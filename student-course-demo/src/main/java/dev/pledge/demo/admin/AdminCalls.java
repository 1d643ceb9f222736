package dev.pledge.demo.admin;

import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.RpcException;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.ThriftCall;
import dev.pledge.wire.Admin;
import dev.pledge.wire.Coordinator;
import org.apache.thrift.TException;
import org.apache.thrift.TServiceClient;
import org.apache.thrift.TServiceClientFactory;
import org.apache.thrift.transport.TTransportException;

/**
 * One admin call to one node, with a short deadline and no retry storm: an operator wants a
 * quick, clear answer, and "unreachable" is an answer. Failures become one-line messages.
 */
final class AdminCalls implements AutoCloseable {
    /** One retry covers a stale pooled connection; more would only delay "unreachable". */
    private static final int ATTEMPTS_MAX = 2;
    private static final long CONNECT_TIMEOUT_MS = 2_000;

    /** A call failed in a way the operator should read as one line. */
    static final class Failed extends Exception {
        Failed(String message) {
            super(message);
        }
    }

    private final Endpoint endpoint;
    private final String role;
    private final RpcClient client;

    AdminCalls(Endpoint endpoint, String role) {
        this(endpoint, role, config());
    }

    AdminCalls(Endpoint endpoint, String role, RpcClientConfig config) {
        this.endpoint = endpoint;
        this.role = role;
        this.client = new RpcClient(endpoint, config);
    }

    /** The admin's client settings over plain TCP: few attempts, a short connect. */
    static RpcClientConfig config() {
        return RpcClientConfig.defaults().withMaxAttempts(ATTEMPTS_MAX).withConnectTimeoutMs(CONNECT_TIMEOUT_MS);
    }

    static Endpoint parse(String address, String option) throws Failed {
        try {
            return Endpoint.parse(address);
        } catch (RuntimeException e) {
            throw new Failed(option + " wants HOST:PORT, got '" + address + "'");
        }
    }

    <R> R admin(ThriftCall<Admin.Client, R> call, long deadlineMs) throws Failed, TException {
        return call(Services.ADMIN, new Admin.Client.Factory(), call, deadlineMs);
    }

    <R> R coordinator(ThriftCall<Coordinator.Client, R> call, long deadlineMs) throws Failed, TException {
        return call(Services.COORDINATOR, new Coordinator.Client.Factory(), call, deadlineMs);
    }

    /** Application exceptions (NotAllowed, UnknownTransaction, ...) pass through for the command to word. */
    private <C extends TServiceClient, R> R call(String service, TServiceClientFactory<C> factory, ThriftCall<C, R> call,
                                                 long deadlineMs) throws Failed, TException {
        try {
            return client.call(service, factory, call, deadlineMs);
        } catch (RpcException | TTransportException e) {
            throw new Failed(role + " " + endpoint + " is unreachable (" + rootMessage(e) + ")");
        } catch (dev.pledge.wire.Unavailable e) {
            throw new Failed(role + " " + endpoint + " is unavailable: " + e.getMessage());
        } catch (org.apache.thrift.TApplicationException e) {
            throw new Failed(role + " " + endpoint + " does not offer this call (" + e.getMessage() + "); is it a " + role + "?");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        for (int depth = 0; t.getCause() != null && depth < 8; depth++) t = t.getCause();
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    @Override
    public void close() {
        client.close();
    }
}
