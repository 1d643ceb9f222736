package dev.pledge.rpc;

import dev.pledge.core.Check;
import org.apache.thrift.TMultiplexedProcessor;

/** What a node serves: its Thrift services, and which of their methods run inline (without a worker). */
public record RpcServices(TMultiplexedProcessor processor, InlineMethods inline) {
    public RpcServices {
        Check.notNull(processor, "processor");
        Check.notNull(inline, "inline");
    }
}
