package dev.pledge.tls;

import dev.pledge.core.Check;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import dev.pledge.rpc.RpcTls;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * One node's or client's TLS setup, loaded once from {@link TlsFiles}: a JDK SSLContext with its own
 * key and chain, trusting only the cluster CA, and the parameters each end of a link needs. Both
 * ends speak TLS 1.3 only, and both present a certificate (mutual authentication).
 *
 * <p>No host-name check: nodes are reached by IPs or container names that certificates need not
 * list. After the handshake the caller checks the server's {@link PeerIdentity} instead
 * ({@link ExpectedServer}): the role it dialled and, when it knows it, the node id.
 */
public final class TlsConfig {
    /** The only protocol either end accepts. */
    public static final String PROTOCOL = RpcTls.PROTOCOL;

    private final SSLContext context;
    private final PeerIdentity self;
    private final X509Certificate certificate;
    private final X509KeyManager keyManager;
    private final X509TrustManager trustManager;

    private TlsConfig(SSLContext context, PeerIdentity self, X509Certificate certificate, X509KeyManager keyManager,
                      X509TrustManager trustManager) {
        this.context = context;
        this.self = self;
        this.certificate = certificate;
        this.keyManager = keyManager;
        this.trustManager = trustManager;
    }

    /**
     * Loads {@code files}, checked against {@code clock}'s now. IllegalArgumentException naming the
     * file for a missing or unreadable file, a wrong password, an expired or not-yet-valid
     * certificate, a certificate the CA did not sign, or one that names no Pledge identity.
     */
    public static TlsConfig load(TlsFiles files, Clock clock) {
        Check.notNull(files, "files");
        Check.notNull(clock, "clock");
        Date now = Date.from(clock.instant());
        X509Certificate ca = CertificateFile.read(files.caCertificate());
        checkValid(ca, now, files.caCertificate());
        char[] password = PasswordFile.read(files.passwordFile());
        KeyStore keys = KeyStoreFile.read(files.keyStore(), password);
        X509Certificate own = KeyStoreFile.onlyEntry(keys, password, files.keyStore()).certificate();
        checkValid(own, now, files.keyStore());
        try {
            own.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the certificate in " + files.keyStore() + " (" + own.getSubjectX500Principal().getName()
                    + ") was not signed by the CA in " + files.caCertificate() + " (" + ca.getSubjectX500Principal().getName() + ")", e);
        }
        PeerIdentity self;
        try {
            self = PeerIdentity.of(own);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(files.keyStore() + ": " + e.getMessage(), e);
        }
        try {
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
            keyManagers.init(keys, password);
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("pledge-ca", ca);
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
            trustManagers.init(trusted);
            SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), new SecureRandom());
            return new TlsConfig(context, self, own, only(keyManagers.getKeyManagers(), X509KeyManager.class),
                    only(trustManagers.getTrustManagers(), X509TrustManager.class));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot build a TLS context from " + files.keyStore() + " and "
                    + files.caCertificate() + ": " + e.getMessage(), e);
        }
    }

    /** The context, for engines or sockets; apply {@link #serverParameters()} or {@link #clientParameters()} to each. */
    public SSLContext context() {
        return context;
    }

    /**
     * This end's key and certificate, for a TLS stack other than the JDK's SSLContext (Ratis's gRPC
     * links between a shard's replicas: {@code RaftTls}).
     */
    public X509KeyManager keyManager() {
        return keyManager;
    }

    /** Trusts exactly what {@link #context()} trusts: certificates the cluster CA signed. */
    public X509TrustManager trustManager() {
        return trustManager;
    }

    /** Who this end is, as its own certificate says. */
    public PeerIdentity self() {
        return self;
    }

    /** This end's own certificate (for its expiry in logs and metrics). */
    public X509Certificate certificate() {
        return certificate;
    }

    /** A server's parameters: TLS 1.3 only, and a client certificate is required. A new object each call. */
    public SSLParameters serverParameters() {
        return RpcTls.serverParameters(context);
    }

    /** A client's parameters: TLS 1.3 only, no host-name check (see the class comment). A new object each call. */
    public SSLParameters clientParameters() {
        return RpcTls.clientParameters(context);
    }

    /**
     * This end's TLS for the RPC server and clients. A client talks only to a server whose
     * certificate names a node (a coordinator or a participant): an application's or operator's
     * certificate, though signed by the same CA, cannot pose as one. A caller that knows which
     * node it dials narrows this with {@link ExpectedServer#dialling}.
     */
    public RpcTls rpc() {
        return new RpcTls(context, ExpectedServer.ANY_NODE);
    }

    /** An engine for one accepted connection, with {@link #serverParameters()}. */
    public SSLEngine serverEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setSSLParameters(serverParameters());
        return engine;
    }

    /** An engine for one outgoing connection to {@code host:port} (a session-cache key only), with {@link #clientParameters()}. */
    public SSLEngine clientEngine(String host, int port) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        engine.setSSLParameters(clientParameters());
        return engine;
    }

    private static <T> T only(Object[] managers, Class<T> kind) {
        for (Object m : managers) {
            if (kind.isInstance(m)) return kind.cast(m);
        }
        throw new IllegalStateException("the JDK's PKIX factory made no " + kind.getSimpleName());
    }

    private static void checkValid(X509Certificate certificate, Date now, Path file) {
        try {
            certificate.checkValidity(now);
        } catch (CertificateExpiredException e) {
            throw new IllegalArgumentException("the certificate in " + file + " expired on " + certificate.getNotAfter().toInstant()
                    + ": make a new one with pledge certs", e);
        } catch (CertificateNotYetValidException e) {
            throw new IllegalArgumentException("the certificate in " + file + " is not valid before "
                    + certificate.getNotBefore().toInstant(), e);
        }
    }
}
