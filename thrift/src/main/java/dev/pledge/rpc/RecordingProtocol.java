package dev.pledge.rpc;

import org.apache.thrift.TException;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolDecorator;

/** Remembers the header of the message being read, so an error can still be answered to its caller. */
final class RecordingProtocol extends TProtocolDecorator {
    private TMessage message;

    RecordingProtocol(TProtocol protocol) {
        super(protocol);
    }

    @Override
    public TMessage readMessageBegin() throws TException {
        message = super.readMessageBegin();
        return message;
    }

    /** The header read, or null if none was read whole. */
    TMessage message() {
        return message;
    }
}
