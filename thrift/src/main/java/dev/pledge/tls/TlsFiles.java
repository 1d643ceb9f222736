package dev.pledge.tls;

import dev.pledge.core.Check;
import java.nio.file.Path;

/**
 * Where a node's or client's TLS material lives, in formats the JDK reads on its own. {@code
 * pledge certs --out DIR} writes, for each name: {@code DIR/NAME.p12} (PKCS#12: the private key and
 * the chain, its certificate then the CA's), {@code DIR/NAME.pass} (the PKCS#12 password, one line,
 * owner-only), and once per cluster {@code DIR/ca.crt} (the CA certificate, PEM, the only thing
 * trusted).
 *
 * @param keyStore      PKCS#12 holding one private key and its certificate chain
 * @param passwordFile  the key store's password, one line (a file, so {@code ps} never shows it)
 * @param caCertificate the cluster CA certificate, PEM or DER
 */
public record TlsFiles(Path keyStore, Path passwordFile, Path caCertificate) {
    public static final String KEY_STORE_SUFFIX = ".p12";
    public static final String PASSWORD_SUFFIX = ".pass";
    public static final String CA_CERTIFICATE = "ca.crt";

    public TlsFiles {
        Check.notNull(keyStore, "keyStore");
        Check.notNull(passwordFile, "passwordFile");
        Check.notNull(caCertificate, "caCertificate");
    }

    /** The files {@code pledge certs --out dir} wrote for {@code name}. */
    public static TlsFiles inDirectory(Path dir, String name) {
        Check.notNull(dir, "dir");
        Check.argument(name != null && PeerIdentity.ID.matcher(name).matches(), "name '%s' must match %s", name, PeerIdentity.ID.pattern());
        return new TlsFiles(dir.resolve(name + KEY_STORE_SUFFIX), dir.resolve(name + PASSWORD_SUFFIX), dir.resolve(CA_CERTIFICATE));
    }
}
