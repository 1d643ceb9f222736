package dev.pledge.rpc;

import dev.pledge.core.Check;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS 1.3 with mutual authentication for every link: an {@link SSLContext} that holds this end's
 * key and certificate and trusts only the cluster's CA. A server asks every client for a
 * certificate and closes the connection of one without a valid one; a client checks the server's
 * certificate against the same CA. Which node a certificate names, and what it may do, the
 * handlers decide from {@link RpcServer#currentPeerCertificates()}.
 */
public final class RpcTls {
    public static final String PROTOCOL = "TLSv1.3";

    private static final Logger log = LoggerFactory.getLogger(RpcTls.class);
    /** A refused server is a configuration mistake: say so once per interval, not once per retry. */
    private static final long REFUSAL_WARN_INTERVAL_MS = 10_000;

    private final SSLContext context;
    private final ServerCheck serverCheck;
    private final WarnThrottle refusals = new WarnThrottle(log, REFUSAL_WARN_INTERVAL_MS);

    /** What a client checks of the server it reached, after the CA vouched for it. */
    @FunctionalInterface
    public interface ServerCheck {
        /** Why {@code session}'s server is not one to talk to, or null if it is. */
        String refusal(SSLSession session);

        ServerCheck ANY_MEMBER = session -> null;
    }

    /** Any server the CA vouches for is taken. */
    public RpcTls(SSLContext context) {
        this(context, ServerCheck.ANY_MEMBER);
    }

    public RpcTls(SSLContext context, ServerCheck serverCheck) {
        this.context = Check.notNull(context, "context");
        this.serverCheck = Check.notNull(serverCheck, "serverCheck");
    }

    /** This TLS, also refusing a server {@code more} refuses (checked after this one's own check). */
    public RpcTls alsoChecking(ServerCheck more) {
        Check.notNull(more, "more");
        ServerCheck first = serverCheck;
        return new RpcTls(context, session -> {
            String refusal = first.refusal(session);
            return refusal != null ? refusal : more.refusal(session);
        });
    }

    public SSLContext context() {
        return context;
    }

    /** A server's parameters: TLS 1.3 only, and a client certificate is required. A new object each call. */
    public static SSLParameters serverParameters(SSLContext context) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(new String[] {PROTOCOL});
        parameters.setNeedClientAuth(true);
        return parameters;
    }

    /**
     * A client's parameters: TLS 1.3 only, and no host-name check: nodes are dialled by addresses
     * (IPs, container names) that certificates need not list; the CA vouches for every cluster
     * member, and a caller that must know which node answered checks the certificate's identity.
     */
    public static SSLParameters clientParameters(SSLContext context) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(new String[] {PROTOCOL});
        parameters.setEndpointIdentificationAlgorithm(null);
        return parameters;
    }

    SSLEngine serverEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setSSLParameters(serverParameters(context));
        return engine;
    }

    /**
     * A connected socket whose handshake has finished, both ends' certificates checked. A server
     * the check refuses is an SSLException naming it and why, and a WARN line.
     */
    Socket connect(Endpoint endpoint, int connectTimeoutMs, long nowMs) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        try {
            socket.setSSLParameters(clientParameters(context));
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), connectTimeoutMs);
            socket.setSoTimeout(connectTimeoutMs);
            socket.startHandshake();
            String refusal = serverCheck.refusal(socket.getSession());
            if (refusal != null) {
                String message = "refused server " + endpoint + ": " + refusal;
                refusals.warn("server", nowMs, "rpc-client " + message);
                throw new SSLException(message);
            }
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
