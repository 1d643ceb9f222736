package dev.pledge.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates for TLS tests, made by the JDK's own keytool (no library): a CA, and identities it
 * signs, each a PKCS#12 store holding the key and its chain. Slow (a JVM per step), so make them
 * once per test class.
 */
public final class KeytoolCerts {
    private static final String PASSWORD = "test-password";

    private final Path dir;
    private final String caName;

    private KeytoolCerts(Path dir, String caName) {
        this.dir = dir;
        this.caName = caName;
    }

    /** A new CA named {@code caName}, its files in {@code dir}. */
    public static KeytoolCerts newCa(Path dir, String caName) throws IOException {
        KeytoolCerts ca = new KeytoolCerts(dir, caName);
        ca.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + caName,
                "-ext", "bc:c", "-validity", "30", "-keystore", ca.store(caName), "-storetype", "PKCS12");
        ca.keytool("-exportcert", "-alias", "ca", "-keystore", ca.store(caName), "-rfc", "-file", ca.pem(caName));
        return ca;
    }

    /** An identity with common name {@code name} signed by this CA, valid from {@code startDate} ("-1d", or null for now) for {@code days}. */
    public void sign(String name, String startDate, int days) throws IOException {
        keytool("-genkeypair", "-alias", "me", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-keystore", store(name), "-storetype", "PKCS12");
        keytool("-certreq", "-alias", "me", "-keystore", store(name), "-file", path(name + ".csr"));
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", store(caName),
                "-infile", path(name + ".csr"), "-outfile", pem(name), "-rfc", "-validity", Integer.toString(days)));
        if (startDate != null) gencert.addAll(List.of("-startdate", startDate));
        keytool(gencert.toArray(String[]::new));
        keytool("-importcert", "-alias", "ca", "-file", pem(caName), "-keystore", store(name), "-noprompt");
        keytool("-importcert", "-alias", "me", "-file", pem(name), "-keystore", store(name), "-noprompt");
    }

    /** TLS holding {@code name}'s key (or none, for null) and trusting only this CA. */
    public SSLContext context(String name) throws Exception {
        return context(name, this);
    }

    /** TLS holding {@code name}'s key signed by this CA (or none, for null), trusting only {@code trusted}. */
    public SSLContext context(String name, KeytoolCerts trustedCa) throws Exception {
        KeyManagerFactory keys = null;
        if (name != null) {
            KeyStore ks = load(Path.of(store(name)));
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(ks, PASSWORD.toCharArray());
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(Path.of(trustedCa.pem(trustedCa.caName)))) {
            trusted.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private String store(String name) {
        return path(name + ".p12");
    }

    private String pem(String name) {
        return path(name + ".pem");
    }

    private String path(String file) {
        return dir.resolve(file).toString();
    }

    private void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass", PASSWORD));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
