package dev.pledge.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.testkit.ScriptedCoordinator;
import dev.pledge.testkit.TestServers;
import dev.pledge.wire.BeginRequest;
import dev.pledge.wire.BeginResponse;
import dev.pledge.wire.Coordinator;
import org.apache.thrift.TException;
import org.apache.thrift.TMultiplexedProcessor;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.layered.TFramedTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The compatibility rules of pledge.thrift, checked on bytes written by hand: a 0.1 client knows
 * no optional fields added later, and a newer client may send fields this server does not know.
 */
class CompatibilityTest {
    private final ScriptedCoordinator coordinator = new ScriptedCoordinator();
    private final RpcServer server = TestServers.start(new TMultiplexedProcessor(), null, coordinator);

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void serverDecodesABeginRequestFromAnOlderClientWithoutTheOptionalField() throws TException {
        BeginResponse response = begin(false);

        assertThat(response.getTxId().getSequence()).isEqualTo(1);
        BeginRequest received = coordinator.begins.get(0);
        assertThat(received.getDeadlineMs()).isEqualTo(1_000);
        assertThat(received.getTxTimeoutMs()).isEqualTo(3_000);
        assertThat(received.isSetClientName()).isFalse();
    }

    @Test
    void serverSkipsFieldsItDoesNotKnowFromANewerClient() throws TException {
        BeginResponse response = begin(true);

        assertThat(response.getTxTimeoutMs()).isEqualTo(3_000);
        BeginRequest received = coordinator.begins.get(0);
        assertThat(received.getDeadlineMs()).isEqualTo(1_000);
        assertThat(received.getTxTimeoutMs()).isEqualTo(3_000);
        assertThat(received.getClientName()).isEqualTo("newer-client");
    }

    /** Writes Coordinator.begin by hand: the 0.1 shape (fields 1, 2), or a future one with extra fields. */
    private BeginResponse begin(boolean withFutureFields) throws TException {
        TSocket socket = new TSocket("127.0.0.1", server.port(), 5_000);
        TFramedTransport transport = new TFramedTransport(socket);
        transport.open();
        try {
            TBinaryProtocol p = new TBinaryProtocol(transport);
            p.writeMessageBegin(new TMessage(Services.COORDINATOR + ":begin", TMessageType.CALL, 0));
            p.writeStructBegin(new TStruct("begin_args"));
            p.writeFieldBegin(new TField("request", TType.STRUCT, (short) 1));
            p.writeStructBegin(new TStruct("BeginRequest"));
            i64(p, 1, 1_000);
            if (withFutureFields) {
                p.writeFieldBegin(new TField("futureHint", TType.STRING, (short) 99));
                p.writeString("a field from a later version");
                p.writeFieldEnd();
            }
            i64(p, 2, 3_000);
            if (withFutureFields) {
                p.writeFieldBegin(new TField("clientName", TType.STRING, (short) 3));
                p.writeString("newer-client");
                p.writeFieldEnd();
                p.writeFieldBegin(new TField("futureStruct", TType.STRUCT, (short) 100));
                p.writeStructBegin(new TStruct("Future"));
                i64(p, 1, 42);
                p.writeFieldStop();
                p.writeStructEnd();
                p.writeFieldEnd();
            }
            p.writeFieldStop();
            p.writeStructEnd();
            p.writeFieldEnd();
            p.writeFieldStop();
            p.writeStructEnd();
            p.writeMessageEnd();
            transport.flush();
            return new Coordinator.Client(p).recv_begin();
        } finally {
            transport.close();
        }
    }

    private static void i64(TBinaryProtocol p, int id, long value) throws TException {
        p.writeFieldBegin(new TField("", TType.I64, (short) id));
        p.writeI64(value);
        p.writeFieldEnd();
    }
}
