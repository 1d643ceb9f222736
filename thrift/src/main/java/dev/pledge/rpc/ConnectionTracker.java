package dev.pledge.rpc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.server.ServerContext;
import org.apache.thrift.server.TServerEventHandler;
import org.apache.thrift.transport.TTransport;

/**
 * Remembers the server's open connections so close() can close them: a worker blocked in a socket
 * read does not notice an interrupt, only a closed socket. Also keeps each connection's peer
 * address, because Thrift forgets the socket as soon as it closes it on bad input.
 */
final class ConnectionTracker implements TServerEventHandler {
    private final Map<TTransport, String> open = new ConcurrentHashMap<>();
    private volatile boolean closing;

    @Override
    public void preServe() {}

    @Override
    public ServerContext createContext(TProtocol input, TProtocol output) {
        open.put(input.getTransport(), GuardedProcessor.peer(input.getTransport()));
        // Accepted just as the server stopped: closeAll() may have run already, so close it here.
        if (closing) input.getTransport().close();
        return null;
    }

    @Override
    public void deleteContext(ServerContext context, TProtocol input, TProtocol output) {
        open.remove(input.getTransport());
    }

    @Override
    public void processContext(ServerContext context, TTransport input, TTransport output) {}

    String peerOf(TTransport transport) {
        return open.getOrDefault(transport, "unknown peer");
    }

    int openCount() {
        return open.size();
    }

    void closeAll() {
        closing = true;
        for (TTransport t : open.keySet()) t.close();
    }
}
