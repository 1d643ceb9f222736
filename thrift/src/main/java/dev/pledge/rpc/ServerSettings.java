package dev.pledge.rpc;

import dev.pledge.core.config.ConfigValues;
import dev.pledge.core.config.Setting;
import java.util.List;

/** The configuration keys of a node's {@link ServerLimits}, shared by every node kind, each with its default. */
public final class ServerSettings {
    public static final Setting<Integer> MAX_CONNECTIONS = Setting.intIn("rpc.max-connections",
            ServerLimits.DEFAULT_MAX_CONNECTIONS, 1, 1_000_000,
            "connections open at once; a newer one is closed at once, with a WARN line");
    public static final Setting<Integer> MAX_CONNECTIONS_PER_ADDRESS = Setting.intIn("rpc.max-connections-per-address",
            ServerLimits.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, 1, 1_000_000,
            "connections open at once from one remote address (at most rpc.max-connections); a newer one is closed at once");
    public static final Setting<Long> MAX_BUFFERED_BYTES = Setting.longAtLeast("rpc.max-buffered-bytes",
            ServerLimits.DEFAULT_MAX_BUFFERED_BYTES, RpcClientConfig.DEFAULT_MAX_FRAME_BYTES,
            "bytes of arriving requests buffered over all connections; a read beyond it closes that connection");
    public static final Setting<Long> FRAME_TIMEOUT_MS = Setting.longAtLeast("rpc.frame-timeout-ms",
            ServerLimits.DEFAULT_FRAME_TIMEOUT_MS, 1,
            "a started request must arrive whole, and a reply leave, within this; a slower connection is closed");
    public static final Setting<Long> IDLE_TIMEOUT_MS = Setting.longAtLeast("rpc.idle-timeout-ms",
            ServerLimits.DEFAULT_IDLE_TIMEOUT_MS, 1, "a connection without a request for this long is closed");

    /** The keys above; each node kind adds its own key for the worker count. */
    public static final List<Setting<?>> ALL = List.of(MAX_CONNECTIONS, MAX_CONNECTIONS_PER_ADDRESS,
            MAX_BUFFERED_BYTES, FRAME_TIMEOUT_MS, IDLE_TIMEOUT_MS);

    private ServerSettings() {}

    public static ServerLimits limits(ConfigValues v, int workers) {
        return ServerLimits.DEFAULTS.withWorkers(workers)
                .withConnections(v.get(MAX_CONNECTIONS), v.get(MAX_CONNECTIONS_PER_ADDRESS))
                .withMaxBufferedBytes(v.get(MAX_BUFFERED_BYTES))
                .withTimeouts(v.get(FRAME_TIMEOUT_MS), v.get(IDLE_TIMEOUT_MS));
    }
}
