package dev.pledge.rpc;

import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TFramedTransport;

/** Client-side framed transport that refuses to build a frame the server would reject. */
final class BoundedFramedTransport extends TFramedTransport {
    private final int maxFrameBytes;
    private long pendingBytes;

    BoundedFramedTransport(TTransport transport, int maxFrameBytes) throws TTransportException {
        super(transport, maxFrameBytes);
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void write(byte[] buf, int off, int len) throws TTransportException {
        pendingBytes += len;
        if (pendingBytes > maxFrameBytes) throw new FrameTooLargeException(pendingBytes, maxFrameBytes);
        super.write(buf, off, len);
    }

    @Override
    public void flush() throws TTransportException {
        pendingBytes = 0;
        super.flush();
    }
}
