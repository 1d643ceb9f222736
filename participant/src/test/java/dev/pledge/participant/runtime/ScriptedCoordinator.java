package dev.pledge.participant.runtime;

import dev.pledge.core.TxId;
import dev.pledge.rpc.RpcServer;
import dev.pledge.rpc.RpcServerConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.Wire;
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
import dev.pledge.wire.TxState;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.thrift.TException;
import org.apache.thrift.TMultiplexedProcessor;

/** A coordinator that only answers enlist (always yes) and status (as the test scripts it), over real Thrift. */
final class ScriptedCoordinator implements Coordinator.Iface, AutoCloseable {
    final List<String> enlisted = new CopyOnWriteArrayList<>();
    final Map<TxId, TxState> statuses = new ConcurrentHashMap<>();
    private final RpcServer server;

    ScriptedCoordinator() throws IOException {
        TMultiplexedProcessor mux = new TMultiplexedProcessor();
        mux.registerProcessor(Services.COORDINATOR, new Coordinator.Processor<>(this));
        server = RpcServer.start(RpcServerConfig.defaults("127.0.0.1", 0), mux);
    }

    int port() {
        return server.port();
    }

    @Override
    public EnlistResponse enlist(EnlistRequest req) {
        enlisted.add(Wire.fromWire(req.getTxId()) + " " + req.getParticipantId() + " incarnation " + req.getIncarnation());
        return new EnlistResponse(30_000);
    }

    @Override
    public StatusResponse status(StatusRequest req) {
        return new StatusResponse(statuses.getOrDefault(Wire.fromWire(req.getTxId()), TxState.PREPARING));
    }

    @Override
    public BeginResponse begin(BeginRequest req) throws TException {
        throw new TException("not scripted");
    }

    @Override
    public Outcome commit(CommitRequest req) throws TException {
        throw new TException("not scripted");
    }

    @Override
    public Outcome abort(AbortRequest req) throws TException {
        throw new TException("not scripted");
    }

    @Override
    public dev.pledge.wire.CommitWritesResponse commitWrites(dev.pledge.wire.CommitWritesRequest request)
            throws dev.pledge.wire.Unavailable {
        throw new dev.pledge.wire.Unavailable("commitWrites is not scripted");
    }

    @Override
    public PingResponse ping() {
        return new PingResponse("coord-1", 1);
    }

    @Override
    public void close() {
        server.close();
    }
}
