package dev.pledge.tls;

import dev.pledge.core.Check;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who the other end of a TLS link is, read from its certificate: the id is the subject's CN, the
 * role the one {@code pledge:role:...} URI among its subject alternative names. Only a certificate
 * the trust manager verified against the cluster CA means anything; {@link #of(SSLSession)} reads
 * one from a finished handshake.
 *
 * @param id   a node id (coord-1, student-a) or a person's or application's name (alice, app)
 * @param role what the holder may do
 */
public record PeerIdentity(String id, Role role) {
    /** Ids a certificate may carry: safe in a file name and a log line. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    /** URI subject-alternative-name entries have this type (RFC 5280 GeneralName uniformResourceIdentifier). */
    private static final int SAN_URI = 6;
    /** Callers' certificates remembered at most; a cluster's CA signs far fewer, so more means churn, and the cache starts over. */
    static final int CALLERS_MAX = 1_024;
    /**
     * Identities of callers' certificates, so a server reads one once, not once per request. An
     * identity is a function of the certificate's bytes, which certificate equality compares.
     */
    private static final Map<X509Certificate, PeerIdentity> CALLERS = new ConcurrentHashMap<>();

    public PeerIdentity {
        Check.argument(id != null && ID.matcher(id).matches(), "certificate id '%s' must match %s", id, ID.pattern());
        Check.notNull(role, "role");
    }

    /** The name {@link dev.pledge.auth.Peer#operatorPrincipal()} wants: the id of an operator, null for any other role. */
    public String operatorPrincipal() {
        return role == Role.OPERATOR ? id : null;
    }

    /** {@code coordinator coord-1}, for log lines. */
    @Override
    public String toString() {
        return role.label() + " " + id;
    }

    /** The identity of a verified session's peer: its first (leaf) certificate. */
    public static PeerIdentity of(SSLSession session) throws SSLPeerUnverifiedException {
        Certificate[] chain = session.getPeerCertificates();
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            throw new SSLPeerUnverifiedException("the peer presented no X.509 certificate");
        }
        try {
            return of(leaf);
        } catch (IllegalArgumentException e) {
            throw new SSLPeerUnverifiedException(e.getMessage());
        }
    }

    /**
     * As {@link #of(X509Certificate)}, remembered: for the certificate a caller's handshake proved,
     * which every request on its connections presents again.
     */
    public static PeerIdentity ofCaller(X509Certificate certificate) {
        PeerIdentity known = CALLERS.get(certificate);
        if (known != null) return known;
        PeerIdentity parsed = of(certificate);
        if (CALLERS.size() >= CALLERS_MAX) CALLERS.clear();
        CALLERS.put(certificate, parsed);
        return parsed;
    }

    /** The identity {@code certificate} names; IllegalArgumentException saying what is missing or ambiguous. */
    public static PeerIdentity of(X509Certificate certificate) {
        String subject = certificate.getSubjectX500Principal().getName();
        return new PeerIdentity(commonName(subject), role(certificate, subject));
    }

    private static String commonName(String subject) {
        List<String> names = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(subject).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) names.add(String.valueOf(rdn.getValue()));
            }
        } catch (InvalidNameException e) {
            throw new IllegalArgumentException("certificate subject '" + subject + "' does not parse: " + e.getMessage(), e);
        }
        Check.argument(names.size() == 1, "certificate subject '%s' must have exactly one CN (the id), has %s", subject, names.size());
        return names.get(0);
    }

    private static Role role(X509Certificate certificate, String subject) {
        Collection<List<?>> alternativeNames;
        try {
            alternativeNames = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("certificate '" + subject + "' has unreadable alternative names: " + e.getMessage(), e);
        }
        List<String> roleUris = new ArrayList<>();
        if (alternativeNames != null) {
            for (List<?> name : alternativeNames) {
                if (((Integer) name.get(0)) == SAN_URI && String.valueOf(name.get(1)).startsWith(Role.URI_PREFIX)) {
                    roleUris.add(String.valueOf(name.get(1)));
                }
            }
        }
        Check.argument(roleUris.size() == 1, "certificate '%s' must name exactly one role as a %s... URI alternative name, names %s",
                subject, Role.URI_PREFIX, roleUris);
        return Role.fromUri(roleUris.get(0));
    }
}
