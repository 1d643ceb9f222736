package dev.pledge.auth;

import dev.pledge.core.Check;

/**
 * The other end of the current call, as far as the transport can tell: an address for log lines,
 * and the operator principal its authenticated certificate names, if it has the operator role.
 * Without TLS there is no principal; the RPC server does not report addresses to handlers yet.
 *
 * @param address           for log lines only, never for a decision
 * @param operatorPrincipal the authenticated operator, or null when the peer proved no operator role
 */
public record Peer(String address, String operatorPrincipal) {
    public static final Peer UNIDENTIFIED = new Peer("an unidentified peer", null);

    public Peer {
        Check.notNull(address, "address");
    }
}
