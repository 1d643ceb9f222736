package dev.pledge.auth;

import dev.pledge.core.Check;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.NotAllowed;
import dev.pledge.wire.OperatorCredential;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether the caller of a mutating Admin call is an operator, and names them for the log
 * line of what they forced. Two ways in: the current peer's authenticated operator principal (a TLS
 * client certificate with the operator role, once the RPC server reports one through the {@link Peer}
 * supplier), or a token equal to the node's configured one. A node with neither refuses every
 * mutating call: forcing an outcome can break atomicity, so nobody may do it by default.
 */
public final class OperatorAuth {
    private static final Logger log = LoggerFactory.getLogger(OperatorAuth.class);
    /** An operator name as it may appear in a log line: short, and nothing that could forge a line. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    private final String nodeId;
    /** SHA-256 of the configured token, so a comparison takes the same time whatever is presented; null if none. */
    private final byte[] tokenDigest;
    private final Supplier<Peer> currentPeer;

    /**
     * @param token       the configured operator token ({@link OperatorToken#read}), or null for none: then only
     *                    an authenticated operator principal gets in
     * @param currentPeer who is calling, asked on each check (TLS plugs in here)
     */
    public OperatorAuth(String nodeId, String token, Supplier<Peer> currentPeer) {
        this.nodeId = Check.notNull(nodeId, "nodeId");
        Check.argument(token == null || token.length() >= OperatorToken.TOKEN_CHARS_MIN,
                "an operator token needs at least TOKEN_CHARS_MIN=%s characters", OperatorToken.TOKEN_CHARS_MIN);
        this.tokenDigest = token == null ? null : sha256(token);
        this.currentPeer = Check.notNull(currentPeer, "currentPeer");
    }

    /**
     * The name of the operator allowed to do {@code action}: the peer's operator principal if it has
     * one, else the credential's name once its token matches. A refusal is logged as one WARN line
     * (never with the token) and thrown as NotAllowed saying what is missing.
     *
     * @throws InvalidArgument a credential whose name or token is malformed, naming the field
     */
    public String authorize(String action, OperatorCredential credential) throws NotAllowed, InvalidArgument {
        Peer peer = currentPeer.get();
        if (credential != null) checkShape(credential);
        if (peer.operatorPrincipal() != null) return peer.operatorPrincipal();
        if (tokenDigest == null) {
            throw refuse(action, peer, credential, "no operator token is configured",
                    "node " + nodeId + " has no operator token: start it with --operator-token-file FILE (one word of at least "
                            + OperatorToken.TOKEN_CHARS_MIN + " characters) and give the admin command the same file");
        }
        if (credential == null || !credential.isSetToken()) {
            throw refuse(action, peer, credential, "no operator token presented",
                    action + " needs an operator identity: an operator name and the token of --operator-token-file");
        }
        if (!MessageDigest.isEqual(sha256(credential.getToken()), tokenDigest)) {
            throw refuse(action, peer, credential, "a wrong operator token",
                    "the operator token is not the one node " + nodeId + " was configured with");
        }
        return credential.getName();
    }

    private static void checkShape(OperatorCredential c) throws InvalidArgument {
        if (c.getName() == null || !NAME.matcher(c.getName()).matches()) {
            throw new InvalidArgument("operator.name must be 1-64 of [A-Za-z0-9._@-]");
        }
        if (c.isSetToken() && c.getToken().length() > OperatorToken.TOKEN_CHARS_MAX) {
            throw new InvalidArgument("operator.token is longer than TOKEN_CHARS_MAX=" + OperatorToken.TOKEN_CHARS_MAX);
        }
    }

    private NotAllowed refuse(String action, Peer peer, OperatorCredential credential, String why, String message) {
        String who = credential == null ? "no operator named" : "operator " + credential.getName();
        log.warn("{} refused {} from {} ({}): {}", nodeId, action, peer.address(), who, why);
        return new NotAllowed(message);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
