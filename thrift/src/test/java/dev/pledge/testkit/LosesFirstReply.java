package dev.pledge.testkit;

import org.apache.thrift.TException;
import org.apache.thrift.TMultiplexedProcessor;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TMemoryBuffer;
import org.apache.thrift.transport.TTransportException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A processor that runs the first {@code n} calls fully, then drops their replies and the
 * connection, as a network that fails after the server has acted would.
 */
public final class LosesFirstReply extends TMultiplexedProcessor {
    private final AtomicInteger repliesToLose;

    public LosesFirstReply(int n) {
        this.repliesToLose = new AtomicInteger(n);
    }

    @Override
    public void process(TProtocol in, TProtocol out) throws TException {
        if (repliesToLose.getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
            super.process(in, out);
            return;
        }
        super.process(in, new TBinaryProtocol(new TMemoryBuffer(1024)));
        in.getTransport().close();
        throw new TTransportException(TTransportException.END_OF_FILE, "test: reply lost");
    }
}
