package dev.pledge.rpc;

import org.apache.thrift.TException;
import org.apache.thrift.TServiceClient;
import org.apache.thrift.TServiceClientFactory;

/** Something that calls a node's multiplexed Thrift services within a deadline: one endpoint, or a shard's replicas. */
public interface RpcCaller extends AutoCloseable {
    /** Calls the multiplexed service {@code serviceName} within {@code deadlineMs} from now. */
    <C extends TServiceClient, R> R call(String serviceName, TServiceClientFactory<C> factory, ThriftCall<C, R> call,
                                         long deadlineMs) throws TException;

    @Override
    void close();
}
