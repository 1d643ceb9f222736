package dev.pledge.tls;

import dev.pledge.core.Check;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collection;

/** One X.509 certificate in a file: PEM when written, PEM or DER when read (the JDK reads both). */
public final class CertificateFile {
    /** PEM wraps base64 at 64 characters a line (RFC 7468). */
    private static final int PEM_LINE_CHARS = 64;

    private CertificateFile() {}

    /** The one certificate in {@code file}; IllegalArgumentException naming the file otherwise. */
    public static X509Certificate read(Path file) {
        Check.notNull(file, "file");
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(file)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("certificate file " + file + " does not exist", e);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("certificate file " + file + " cannot be read as an X.509 certificate (PEM or DER): "
                    + e.getMessage(), e);
        }
        Check.argument(certificates.size() == 1, "certificate file %s must hold exactly one certificate, holds %s", file, certificates.size());
        return (X509Certificate) certificates.iterator().next();
    }

    /** Writes {@code certificate} to {@code file} as PEM; certificates are public, so the file is readable by all. */
    public static void write(Path file, X509Certificate certificate) throws IOException {
        String base64;
        try {
            base64 = Base64.getMimeEncoder(PEM_LINE_CHARS, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate " + certificate.getSubjectX500Principal() + " does not encode", e);
        }
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
    }
}
