package dev.pledge.tls;

import dev.pledge.rpc.RpcServer;
import dev.pledge.wire.NotAllowed;
import java.security.cert.X509Certificate;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the caller of the request this thread serves may make it, decided from the certificate
 * its TLS handshake proved ({@link RpcServer#currentPeerCertificates()}) by a {@link PeerRules}
 * rule. Without TLS there is no certificate and nothing to decide: {@link #OPEN} lets every call
 * through, as a plain TCP link always has.
 */
public final class CallerCheck {
    private static final Logger log = LoggerFactory.getLogger(CallerCheck.class);
    public static final CallerCheck OPEN = new CallerCheck(null, null);

    private final String nodeId;
    private final Function<PeerIdentity, PeerRules.Verdict> rule;

    private CallerCheck(String nodeId, Function<PeerIdentity, PeerRules.Verdict> rule) {
        this.nodeId = nodeId;
        this.rule = rule;
    }

    /** With TLS on: every call must pass {@code rule}. */
    public static CallerCheck of(String nodeId, Function<PeerIdentity, PeerRules.Verdict> rule) {
        return new CallerCheck(nodeId, rule);
    }

    /** The caller's identity, or NotAllowed with one WARN line naming the caller and the reason. */
    public PeerIdentity check(String call) throws NotAllowed {
        if (rule == null) return null;
        X509Certificate certificate = RpcServer.currentPeerCertificate();
        String refusal;
        PeerIdentity caller = null;
        if (certificate == null) {
            refusal = "the caller proved no certificate";
        } else {
            try {
                caller = PeerIdentity.ofCaller(certificate);
                PeerRules.Verdict verdict = rule.apply(caller);
                refusal = verdict.allowed() ? null : verdict.reason();
            } catch (IllegalArgumentException noIdentity) {
                refusal = noIdentity.getMessage();
            }
        }
        if (refusal == null) return caller;
        log.warn("{} refused {} from {}: {}", nodeId, call, RpcServer.currentPeer(), refusal);
        throw new NotAllowed(call + " refused: " + refusal);
    }
}
