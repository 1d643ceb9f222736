package dev.pledge.demo.certs;

import dev.pledge.tls.PeerIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * One TLS connection over a real loopback socket with the JDK's SSLServerSocket and SSLSocket: the
 * server completes the handshake, reads who the client is and sends one byte; the client reads who
 * the server is and waits for that byte. TLS 1.3 lets a client finish its half before the server has
 * judged its certificate, so only the byte proves the server accepted it.
 */
final class Loopback {
    /** Bounds every accept, handshake and read, so a broken test fails instead of hanging. */
    static final int SOCKET_TIMEOUT_MS = 10_000;
    private static final int ACCEPTED = 42;

    /** What each end saw: an identity, or the exception that ended its side. */
    record Outcome(PeerIdentity serverSawClient, String protocol, Exception serverFailure, PeerIdentity clientSawServer,
            boolean clientAccepted, Exception clientFailure) {}

    private Loopback() {}

    static Outcome connect(SSLContext serverContext, SSLParameters serverParameters, SSLContext clientContext,
            SSLParameters clientParameters) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSSLParameters(serverParameters);
            server.setSoTimeout(SOCKET_TIMEOUT_MS);
            Future<Object[]> serverSide = executor.submit(() -> serve(server));
            PeerIdentity clientSawServer = null;
            boolean accepted = false;
            Exception clientFailure = null;
            try (SSLSocket client = (SSLSocket) clientContext.getSocketFactory().createSocket()) {
                client.setSSLParameters(clientParameters);
                client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), SOCKET_TIMEOUT_MS);
                client.setSoTimeout(SOCKET_TIMEOUT_MS);
                client.startHandshake();
                clientSawServer = PeerIdentity.of(client.getSession());
                accepted = client.getInputStream().read() == ACCEPTED;
            } catch (IOException e) {
                clientFailure = e;
            }
            Object[] served = serverSide.get(2L * SOCKET_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return new Outcome((PeerIdentity) served[0], (String) served[1], (Exception) served[2], clientSawServer, accepted, clientFailure);
        } finally {
            executor.shutdownNow();
        }
    }

    private static Object[] serve(SSLServerSocket server) throws IOException {
        try (SSLSocket socket = (SSLSocket) server.accept()) {
            socket.setSoTimeout(SOCKET_TIMEOUT_MS);
            try {
                socket.startHandshake();
                PeerIdentity client = PeerIdentity.of(socket.getSession());
                socket.getOutputStream().write(ACCEPTED);
                socket.getOutputStream().flush();
                socket.getInputStream().read(); // until the client closes, so the byte is not lost to a reset
                return new Object[] {client, socket.getSession().getProtocol(), null};
            } catch (IOException e) {
                return new Object[] {null, null, e};
            }
        }
    }
}
