package dev.pledge.testkit;

import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcServer;
import dev.pledge.rpc.RpcServerConfig;
import dev.pledge.rpc.Services;
import dev.pledge.rpc.ServerLimits;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.Kv;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.thrift.TMultiplexedProcessor;

/** Loopback servers on ephemeral ports. */
public final class TestServers {
    private TestServers() {}

    public static RpcServerConfig loopback() {
        return RpcServerConfig.defaults("127.0.0.1", 0).withLimits(ServerLimits.DEFAULTS.withWorkers(16));
    }

    public static RpcServer start(TMultiplexedProcessor processor, Kv.Iface kv, Coordinator.Iface coordinator) {
        if (kv != null) processor.registerProcessor(Services.KV, new Kv.Processor<>(kv));
        if (coordinator != null) processor.registerProcessor(Services.COORDINATOR, new Coordinator.Processor<>(coordinator));
        try {
            return RpcServer.start(loopback(), processor);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Endpoint endpoint(RpcServer server) {
        return new Endpoint("127.0.0.1", server.port());
    }
}
