package dev.pledge.rpc;

import org.apache.thrift.TConfiguration;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.TTransportFactory;
import org.apache.thrift.transport.layered.TFramedTransport;

/**
 * Framed transport for accepted connections, with both of Thrift's limits set to maxBytes: the
 * frame size, and the message size (which Thrift otherwise leaves at its 100 MB default).
 */
final class LimitedFramedTransportFactory extends TTransportFactory {
    private final int maxBytes;

    LimitedFramedTransportFactory(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public TTransport getTransport(TTransport base) throws TTransportException {
        TConfiguration configuration = base.getConfiguration();
        if (configuration != null) configuration.setMaxMessageSize(maxBytes);
        return new TFramedTransport(base, maxBytes);
    }
}
