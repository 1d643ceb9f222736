package dev.pledge.demo.certs;

import dev.pledge.core.Check;
import dev.pledge.tls.CertificateFile;
import dev.pledge.tls.KeyStoreFile;
import dev.pledge.tls.OwnerOnlyFile;
import dev.pledge.tls.PasswordFile;
import dev.pledge.tls.PeerIdentity;
import dev.pledge.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A cluster's certificate directory, laid out as {@link TlsFiles} reads it: {@code ca.crt} for
 * everyone, the CA's own key in {@code ca.p12} + {@code ca.pass} (owner-only, used only to sign),
 * and {@code NAME.p12} + {@code NAME.pass} (owner-only) per node, operator and client.
 */
public final class CertificateDirectory {
    /** The CA's files use the same layout under this name, so it is no one's id. */
    public static final String CA_NAME = "ca";
    /** Random bytes of a generated key store password (hex, so twice as many characters). */
    static final int PASSWORD_BYTES = 24;

    private final Path dir;
    private final SecureRandom random;

    public CertificateDirectory(Path dir, SecureRandom random) {
        this.dir = Check.notNull(dir, "dir");
        this.random = Check.notNull(random, "random");
    }

    public Path dir() {
        return dir;
    }

    /** Whether this directory already holds a CA (certificate and key). */
    public boolean hasCa() {
        TlsFiles ca = files(CA_NAME);
        return Files.exists(ca.keyStore()) || Files.exists(ca.caCertificate());
    }

    /** The files of {@code name} (or of the CA, {@link #CA_NAME}). */
    public TlsFiles files(String name) {
        return TlsFiles.inDirectory(dir, name);
    }

    /** The CA kept here; IllegalArgumentException naming the file if it is incomplete or does not open. */
    public CertificateAuthority loadCa() {
        TlsFiles files = files(CA_NAME);
        char[] password = PasswordFile.read(files.passwordFile());
        KeyStoreFile.Entry entry = KeyStoreFile.onlyEntry(KeyStoreFile.read(files.keyStore(), password), password, files.keyStore());
        X509Certificate published = CertificateFile.read(files.caCertificate());
        Check.argument(published.equals(entry.certificate()), "%s is not the certificate of the CA key in %s: restore it or start a new directory",
                files.caCertificate(), files.keyStore());
        return new CertificateAuthority(new KeyPair(entry.certificate().getPublicKey(), entry.key()), entry.certificate(), random);
    }

    /** Writes a new CA here: its key (owner-only) and its certificate (for everyone). */
    public void saveCa(CertificateAuthority ca) throws IOException {
        Files.createDirectories(dir);
        TlsFiles files = files(CA_NAME);
        writeKeyStore(files, CA_NAME, new KeyStoreFile.Entry(ca.keys().getPrivate(), List.of(ca.certificate())));
        CertificateFile.write(files.caCertificate(), ca.certificate());
    }

    /** Makes a key for {@code identity}, has {@code ca} sign it and writes both; returns the certificate. */
    public X509Certificate issue(CertificateAuthority ca, PeerIdentity identity, List<String> hostNames, Instant notBefore, Instant notAfter)
            throws IOException {
        Check.argument(!identity.id().equals(CA_NAME), "'%s' is the CA's file name; pick another id", CA_NAME);
        KeyPair keys = CertificateAuthority.newKeyPair(random);
        X509Certificate certificate = ca.issue(identity, keys.getPublic(), hostNames, notBefore, notAfter);
        Files.createDirectories(dir);
        writeKeyStore(files(identity.id()), identity.id(), new KeyStoreFile.Entry(keys.getPrivate(), List.of(certificate, ca.certificate())));
        return certificate;
    }

    private void writeKeyStore(TlsFiles files, String alias, KeyStoreFile.Entry entry) throws IOException {
        OwnerOnlyFile.writeRandomSecret(files.passwordFile(), PASSWORD_BYTES, random);
        KeyStoreFile.write(files.keyStore(), PasswordFile.read(files.passwordFile()), alias, entry);
    }
}
