package dev.pledge.rpc;

import dev.pledge.core.Check;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * TLS 1.3 with mutual authentication for every link: an {@link SSLContext} that holds this end's
 * key and certificate and trusts only the cluster's CA. A server asks every client for a
 * certificate and closes the connection of one without a valid one; a client checks the server's
 * certificate against the same CA. Which node a certificate names, and what it may do, the
 * handlers decide from {@link RpcServer#currentPeerCertificates()}.
 */
public final class RpcTls {
    public static final String PROTOCOL = "TLSv1.3";

    private final SSLContext context;

    public RpcTls(SSLContext context) {
        this.context = Check.notNull(context, "context");
    }

    public SSLContext context() {
        return context;
    }

    SSLEngine serverEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[] {PROTOCOL});
        parameters.setNeedClientAuth(true);
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** A connected socket whose handshake has finished, both ends' certificates checked. */
    Socket connect(Endpoint endpoint, int connectTimeoutMs) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        try {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(new String[] {PROTOCOL});
            socket.setSSLParameters(parameters);
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), connectTimeoutMs);
            socket.setSoTimeout(connectTimeoutMs);
            socket.startHandshake();
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
