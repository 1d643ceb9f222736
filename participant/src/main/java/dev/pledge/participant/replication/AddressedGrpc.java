package dev.pledge.participant.replication;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcService;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotRequestProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.ReadIndexRequestProto;
import org.apache.ratis.proto.RaftProtos.RequestVoteRequestProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;

/**
 * Ratis's gRPC transport with one check Ratis does not make: a server takes a call from another
 * server (append, vote, snapshot, election, read index) only if the call is addressed to this
 * server's own peer id.
 *
 * <p>Ratis routes a server call by group alone. A machine back on an empty disk serves its groups
 * under a new incarnation's peer id at the address its old incarnation had, and every leader still
 * sends to the old one there until the replacement commits. Without the check, the new incarnation's
 * divisions take the old one's appends: two of the leader's appenders then feed one log, the one
 * for the new incarnation only ever hears "already have it", its match index never moves, and the
 * membership change that waits for it to catch up never commits (ReplicatedChaosTest seed
 * 2477581918, issue 17). Refused, the calls to the old incarnation fail as calls to a dead replica
 * do, and the new one catches up through its own appender alone.
 *
 * <p>Ratis finds the transport by this class's name ({@link org.apache.ratis.RaftConfigKeys.Rpc#setType});
 * clients keep plain gRPC, as they send no server calls.
 */
public final class AddressedGrpc implements RpcType {
    /** For Ratis, which makes one by reflection from the name in the properties. */
    public AddressedGrpc() {}

    @Override
    public String name() {
        return AddressedGrpc.class.getName();
    }

    @Override
    public RpcFactory newFactory(Parameters parameters) {
        return new Factory(parameters);
    }

    private static final class Factory extends GrpcFactory {
        Factory(Parameters parameters) {
            super(parameters);
        }

        @Override
        public GrpcService newRaftServerRpc(RaftServer server) {
            return super.newRaftServerRpc(addressedOnly(server));
        }
    }

    /** {@code server} as its gRPC services see it: a server call addressed to another peer id is refused. */
    static RaftServer addressedOnly(RaftServer server) {
        return (RaftServer) Proxy.newProxyInstance(RaftServer.class.getClassLoader(), new Class<?>[] {RaftServer.class},
                (proxy, method, args) -> {
                    if (args != null && args.length == 1) {
                        RaftRpcRequestProto call = serverCallOf(args[0]);
                        if (call != null) requireAddressedTo(server, call, method.getName());
                    }
                    try {
                        return method.invoke(server, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static RaftRpcRequestProto serverCallOf(Object request) {
        if (request instanceof AppendEntriesRequestProto r) return r.getServerRequest();
        if (request instanceof RequestVoteRequestProto r) return r.getServerRequest();
        if (request instanceof InstallSnapshotRequestProto r) return r.getServerRequest();
        if (request instanceof StartLeaderElectionRequestProto r) return r.getServerRequest();
        if (request instanceof ReadIndexRequestProto r) return r.getServerRequest();
        return null;
    }

    private static void requireAddressedTo(RaftServer server, RaftRpcRequestProto call, String op) throws NotAddressedHere {
        // Bytes against bytes: every append passes here, so nothing is decoded unless it is refused.
        if (!call.getReplyId().equals(server.getId().toByteString())) {
            String self = server.getId().toString();
            throw new NotAddressedHere(self + ": refused " + op + " from " + call.getRequestorId().toStringUtf8() + " addressed to "
                    + call.getReplyId().toStringUtf8() + ": this server is " + self
                    + " (a replica back on an empty disk is a new incarnation, and answers only to it)");
        }
    }

    /** A server call addressed to another peer id than the server's. */
    static final class NotAddressedHere extends IOException {
        NotAddressedHere(String message) {
            super(message);
        }
    }
}
