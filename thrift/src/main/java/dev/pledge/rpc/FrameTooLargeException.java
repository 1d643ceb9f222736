package dev.pledge.rpc;

import org.apache.thrift.transport.TTransportException;

/**
 * A request larger than the client's maxFrameBytes. It is refused before it is sent and is never
 * retried: the server would close the connection on it, every time.
 */
public final class FrameTooLargeException extends TTransportException {

    public FrameTooLargeException(long frameBytes, int maxFrameBytes) {
        super(TTransportException.CORRUPTED_DATA,
                "request frame of at least " + frameBytes + " bytes exceeds maxFrameBytes " + maxFrameBytes);
    }
}
