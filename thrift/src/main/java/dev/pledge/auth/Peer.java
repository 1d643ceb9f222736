package dev.pledge.auth;

import dev.pledge.core.Check;
import dev.pledge.rpc.RpcServer;
import dev.pledge.tls.PeerIdentity;
import java.security.cert.X509Certificate;

/**
 * The other end of the current call, as far as the transport can tell: an address for log lines,
 * and the operator principal its authenticated certificate names, if it has the operator role.
 * Without TLS there is no principal, only the address {@link RpcServer#currentPeer()} reports.
 *
 * @param address           for log lines only, never for a decision
 * @param operatorPrincipal the authenticated operator, or null when the peer proved no operator role
 */
public record Peer(String address, String operatorPrincipal) {
    public static final Peer UNIDENTIFIED = new Peer("an unidentified peer", null);

    public Peer {
        Check.notNull(address, "address");
    }

    /**
     * The peer of the request this thread serves as its TLS certificate tells it: its address, and
     * its id as the operator principal when the certificate has the operator role.
     */
    public static Peer ofCurrentCertificate() {
        String address = RpcServer.currentPeer();
        X509Certificate certificate = RpcServer.currentPeerCertificate();
        if (address == null || certificate == null) return ofCurrentRequest();
        try {
            return new Peer(address, PeerIdentity.ofCaller(certificate).operatorPrincipal());
        } catch (IllegalArgumentException noIdentity) {
            return new Peer(address, null);
        }
    }

    /** The peer of the request this thread serves, as plain TCP tells it: an address and no principal. */
    public static Peer ofCurrentRequest() {
        String address = RpcServer.currentPeer();
        return address == null ? UNIDENTIFIED : new Peer(address, null);
    }
}
