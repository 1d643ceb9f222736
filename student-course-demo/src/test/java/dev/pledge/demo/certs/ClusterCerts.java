package dev.pledge.demo.certs;

import dev.pledge.tls.CertificateFile;
import dev.pledge.tls.KeyStoreFile;
import dev.pledge.tls.PasswordFile;
import dev.pledge.tls.PeerIdentity;
import dev.pledge.tls.Role;
import dev.pledge.tls.TlsConfig;
import dev.pledge.tls.TlsFiles;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A certificate directory made by the real generator in a test's temporary folder. */
final class ClusterCerts {
    static final Duration VALIDITY = Duration.ofDays(30);

    final CertificateDirectory directory;
    final CertificateAuthority ca;
    final Instant now = Instant.now();

    ClusterCerts(Path dir) throws Exception {
        directory = new CertificateDirectory(dir, new SecureRandom());
        ca = CertificateAuthority.create("test CA " + dir.getFileName(), now.minus(VALIDITY), now.plus(VALIDITY), new SecureRandom());
        directory.saveCa(ca);
    }

    /** Issues a certificate valid from a day ago for {@link #VALIDITY}, and loads it. */
    TlsConfig issue(String id, Role role) throws Exception {
        directory.issue(ca, new PeerIdentity(id, role), List.of(), now.minus(Duration.ofDays(1)), now.plus(VALIDITY));
        return TlsConfig.load(files(id), Clock.systemUTC());
    }

    TlsFiles files(String id) {
        return directory.files(id);
    }

    /** A context that trusts this CA but has no certificate of its own to present. */
    SSLContext contextWithoutCertificate() throws Exception {
        return contextTrustingThisCa(null);
    }

    /**
     * A context that trusts this CA and presents the key of {@code foreign}, signed by another CA: a
     * stranger that accepts this cluster, so only this cluster's refusal can end the handshake.
     */
    SSLContext contextPresenting(TlsFiles foreign) throws Exception {
        char[] password = PasswordFile.read(foreign.passwordFile());
        KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
        keys.init(KeyStoreFile.read(foreign.keyStore(), password), password);
        return contextTrustingThisCa(keys.getKeyManagers());
    }

    private SSLContext contextTrustingThisCa(KeyManager[] keyManagers) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", CertificateFile.read(files("x").caCertificate()));
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance(TlsConfig.PROTOCOL);
        context.init(keyManagers, trust.getTrustManagers(), new SecureRandom());
        return context;
    }
}
