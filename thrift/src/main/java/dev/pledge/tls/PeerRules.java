package dev.pledge.tls;

import dev.pledge.core.Check;
import java.util.Set;

/**
 * Who may do what, decided from a verified {@link PeerIdentity} alone: pure functions, no I/O. A
 * refusal is an expected outcome, so it is a value with the reason for the node's one WARN line.
 */
public final class PeerRules {
    private PeerRules() {}

    /** Allowed, or refused with the reason. */
    public record Verdict(boolean allowed, String reason) {
        static final Verdict ALLOWED = new Verdict(true, "allowed");

        public Verdict {
            Check.notNull(reason, "reason");
        }

        static Verdict refused(String reason) {
            return new Verdict(false, reason);
        }
    }

    /**
     * May {@code peer} call a participant's protocol methods (prepare, exchange, peerState)? Only a
     * coordinator the participant knows, or a participant of its peer registry.
     *
     * @param coordinatorIds the coordinators this participant is configured with
     * @param peerIds        the participants of its peer registry
     */
    public static Verdict mayCallParticipantProtocol(PeerIdentity peer, Set<String> coordinatorIds, Set<String> peerIds) {
        Check.notNull(peer, "peer");
        Check.notNull(coordinatorIds, "coordinatorIds");
        Check.notNull(peerIds, "peerIds");
        return switch (peer.role()) {
            case COORDINATOR -> coordinatorIds.contains(peer.id()) ? Verdict.ALLOWED
                    : Verdict.refused(peer + " is not a coordinator this participant knows " + coordinatorIds);
            case PARTICIPANT -> peerIds.contains(peer.id()) ? Verdict.ALLOWED
                    : Verdict.refused(peer + " is not in this participant's peer registry " + peerIds);
            case OPERATOR, CLIENT -> Verdict.refused(peer + " may not call participant protocol methods: "
                    + "only a coordinator or a registered peer may");
        };
    }

    /** May {@code peer} make a mutating admin call, such as forcing an outcome (Admin.resolve)? Only an operator. */
    public static Verdict mayMutateAdmin(PeerIdentity peer) {
        Check.notNull(peer, "peer");
        return peer.role() == Role.OPERATOR ? Verdict.ALLOWED
                : Verdict.refused(peer + " is not an operator: forcing an outcome needs a certificate with role "
                        + Role.OPERATOR.uri());
    }

    /**
     * Is the server a caller reached the one it meant to reach? This replaces host-name checks
     * (nodes are addressed by IPs or container names that certificates need not list): the server's
     * certificate must have the expected role and, when the caller knows it, the expected id.
     *
     * @param expectedId the node id the caller meant (a participant of its registry), or null when it
     *                   only knows an address (an application dialling any coordinator)
     */
    public static Verdict isExpectedServer(PeerIdentity server, Role expectedRole, String expectedId) {
        Check.notNull(server, "server");
        Check.notNull(expectedRole, "expectedRole");
        if (server.role() != expectedRole) {
            return Verdict.refused("the server is " + server + ", expected a " + expectedRole.label());
        }
        if (expectedId != null && !expectedId.equals(server.id())) {
            return Verdict.refused("the server is " + server + ", expected " + expectedRole.label() + " " + expectedId);
        }
        return Verdict.ALLOWED;
    }
}
