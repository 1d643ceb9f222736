package dev.pledge.participant.replication;

import dev.pledge.tls.PeerIdentity;
import dev.pledge.tls.Role;
import dev.pledge.tls.TlsConfig;
import dev.pledge.tls.TlsFiles;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * TLS on a shard's Raft links, from the node's own TLS files ({@code rpc.tls-*}): every replica
 * serves and dials with its key and certificate, trusts only the cluster CA, and requires a
 * certificate at both ends. On top of the CA, the role each end's certificate names:
 * <ul>
 *   <li>a replica serves Raft to a {@link Role#PARTICIPANT} (another replica: appends, votes,
 *   snapshots, joins) or an {@link Role#OPERATOR} ({@code pledge admin shards}, {@code admin
 *   replace}); an application's or a coordinator's certificate, though the same CA signed it, is
 *   refused in the handshake, so neither can write to a shard's log or change its members;</li>
 *   <li>a replica or an operator dials only a server whose certificate names a participant.</li>
 * </ul>
 * Ratis's gRPC stack (Netty) negotiates the protocol version itself; both ends are Pledge's, so the
 * highest both offer, TLS 1.3.
 */
final class RaftTls {
    /** Who may call a replica's Raft port. */
    static final Set<Role> CALLERS = EnumSet.of(Role.PARTICIPANT, Role.OPERATOR);
    /** Who may serve one. */
    static final Set<Role> SERVERS = EnumSet.of(Role.PARTICIPANT);

    /** Loaded once per set of files: a PKCS#12 read and a CA check per Raft client would be paid at every membership question. */
    private static final Map<TlsFiles, Parameters> LOADED = new ConcurrentHashMap<>();

    private RaftTls() {}

    /** Ratis's parameters for servers and clients of a group: TLS from {@code files}, or none (plain gRPC) for null. */
    static Parameters parameters(TlsFiles files) {
        if (files == null) return new Parameters();
        return LOADED.computeIfAbsent(files, f -> parameters(TlsConfig.load(f, Clock.systemUTC())));
    }

    static Parameters parameters(TlsConfig tls) {
        OneKey key = new OneKey(tls.keyManager(), tls.certificate().getPublicKey().getAlgorithm());
        return GrpcFactory.newRaftParameters(new GrpcTlsConfig(key, new RoleChecked(tls.trustManager()), true));
    }

    /**
     * The node's one key and certificate, whatever key type the TLS stack asks for. Netty's OpenSSL
     * engine asks the key manager for an alias per key type it derives from the cipher suite; with
     * the JDK's key manager over our EC key, a replica's server never got as far as checking the
     * caller's certificate and ended every handshake with internal_error. A node has exactly one
     * key, so it is the answer to every such question.
     */
    static final class OneKey extends X509ExtendedKeyManager {
        private final X509KeyManager keys;
        private final String alias;

        OneKey(X509KeyManager keys, String keyAlgorithm) {
            this.keys = keys;
            this.alias = keys.chooseServerAlias(keyAlgorithm, null, null);
            if (alias == null) throw new IllegalArgumentException("the key store holds no " + keyAlgorithm + " key");
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {alias};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return alias;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return alias;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[] {alias};
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return alias;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return alias;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }

    /**
     * The CA's verdict, then the role: a caller must be in {@link #CALLERS}, a server in
     * {@link #SERVERS}. No host-name check, as on every Pledge link: the role and the CA say who a
     * peer is, and replicas are dialled by IPs that certificates need not list.
     */
    static final class RoleChecked extends X509ExtendedTrustManager {
        private final X509TrustManager ca;

        RoleChecked(X509TrustManager ca) {
            this.ca = ca;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            ca.checkClientTrusted(chain, authType);
            requireRole(chain, CALLERS, "call a shard's Raft port");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            ca.checkServerTrusted(chain, authType);
            requireRole(chain, SERVERS, "serve a shard's Raft port");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return ca.getAcceptedIssuers();
        }

        private static void requireRole(X509Certificate[] chain, Set<Role> allowed, String what) throws CertificateException {
            PeerIdentity peer;
            try {
                peer = PeerIdentity.of(chain[0]);
            } catch (IllegalArgumentException e) {
                throw new CertificateException("a certificate naming no Pledge identity may not " + what + ": " + e.getMessage(), e);
            }
            if (!allowed.contains(peer.role())) {
                throw new CertificateException(peer + " may not " + what + " (only " + allowed + " may)");
            }
        }
    }
}
