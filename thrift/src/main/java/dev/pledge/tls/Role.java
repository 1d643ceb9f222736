package dev.pledge.tls;

import java.util.Locale;

/**
 * What a certificate's holder may do in a Pledge cluster. A certificate names its role in one
 * subject-alternative-name URI, {@code pledge:role:<name>} (e.g. {@code pledge:role:coordinator});
 * its node or user id is the subject's CN.
 */
public enum Role {
    COORDINATOR,
    PARTICIPANT,
    /** A person allowed to force outcomes (Admin.resolve); a client certificate only. */
    OPERATOR,
    /** An application calling the coordinator and participants' own operations; a client certificate only. */
    CLIENT;

    /** The prefix of the SAN URI that names a role. */
    public static final String URI_PREFIX = "pledge:role:";

    /** The SAN URI that names this role: {@code pledge:role:coordinator}. */
    public String uri() {
        return URI_PREFIX + label();
    }

    /** The lower-case name used in URIs, file listings and log lines. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Nodes serve RPC as well as call it, so their certificates are good for both ends of a handshake. */
    public boolean isNode() {
        return this == COORDINATOR || this == PARTICIPANT;
    }

    /** The role a {@link #uri()} names; IllegalArgumentException for anything else. */
    public static Role fromUri(String uri) {
        if (uri != null && uri.startsWith(URI_PREFIX)) {
            String label = uri.substring(URI_PREFIX.length());
            for (Role role : values()) {
                if (role.label().equals(label)) return role;
            }
        }
        throw new IllegalArgumentException("'" + uri + "' names no Pledge role; expected " + URI_PREFIX
                + "coordinator, participant, operator or client");
    }
}
