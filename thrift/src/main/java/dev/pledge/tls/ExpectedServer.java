package dev.pledge.tls;

import dev.pledge.core.Check;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.RpcTls;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * What a caller checks of the server it dialled, once the CA has vouched for its certificate: the
 * role it meant to reach and, when it knows it, the node id ({@link PeerRules#isExpectedServer}).
 * This stands in for host-name checks, which cluster addresses (IPs, container names) cannot give:
 * without it, any member of the cluster could answer for any other.
 */
public final class ExpectedServer {
    /** Any coordinator or participant: for callers that only know an address (admin tools, probes). */
    static final RpcTls.ServerCheck ANY_NODE = checking(server -> server.role().isNode() ? null
            : "its certificate names " + server + ", not a coordinator or a participant");

    private ExpectedServer() {}

    /**
     * {@code config} for calls to one server: with TLS, a handshake fails unless the server's
     * certificate names {@code role} and, if {@code id} is not null, that node id, with an error
     * naming the identity expected and the one presented. Without TLS, {@code config} itself.
     *
     * @param id the node id the caller means (a participant of its registry, its coordinator), or
     *           null when it only knows an address (an application dialling a coordinator)
     */
    public static RpcClientConfig dialling(RpcClientConfig config, Role role, String id) {
        Check.notNull(config, "config");
        Check.notNull(role, "role");
        if (config.tls() == null) return config;
        return config.withTls(config.tls().alsoChecking(checking(server -> {
            PeerRules.Verdict verdict = PeerRules.isExpectedServer(server, role, id);
            return verdict.allowed() ? null : verdict.reason();
        })));
    }

    /** A check of the session's server by {@code refusal} (null: taken), or its certificate naming no identity. */
    private static RpcTls.ServerCheck checking(Function<PeerIdentity, String> refusal) {
        return session -> {
            try {
                return refusal.apply(PeerIdentity.of(session));
            } catch (SSLPeerUnverifiedException e) {
                return e.getMessage();
            }
        };
    }
}
