package dev.pledge.tls;

import dev.pledge.core.Check;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A PKCS#12 file holding one private key and its certificate chain (own certificate first), the
 * format the JDK reads without extra libraries. Its password is in a {@link PasswordFile}.
 */
public final class KeyStoreFile {
    static final String TYPE = "PKCS12";

    private KeyStoreFile() {}

    /** One key and its chain, as read from a file. */
    public record Entry(PrivateKey key, List<X509Certificate> chain) {
        public Entry {
            Check.notNull(key, "key");
            Check.argument(chain != null && !chain.isEmpty(), "a key needs its certificate chain");
            chain = List.copyOf(chain);
        }

        /** The key's own certificate. */
        public X509Certificate certificate() {
            return chain.get(0);
        }
    }

    /** The key store in {@code file}; IllegalArgumentException naming the file if it is missing, unreadable or the password is wrong. */
    public static KeyStore read(Path file, char[] password) {
        Check.notNull(file, "file");
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore keys = KeyStore.getInstance(TYPE);
            keys.load(in, password);
            return keys;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("key store " + file + " does not exist", e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IllegalArgumentException("key store " + file + " does not open with the password in its password file", e);
            }
            throw new IllegalArgumentException("key store " + file + " cannot be read as PKCS#12: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("key store " + file + " cannot be read as PKCS#12: " + e.getMessage(), e);
        }
    }

    /** The one key of {@code keys} (read from {@code file}, named in errors) and its chain. */
    public static Entry onlyEntry(KeyStore keys, char[] password, Path file) {
        try {
            List<String> keyAliases = new ArrayList<>();
            for (String alias : Collections.list(keys.aliases())) {
                if (keys.isKeyEntry(alias)) keyAliases.add(alias);
            }
            Check.argument(keyAliases.size() == 1, "key store %s must hold exactly one private key, holds %s", file, keyAliases.size());
            List<X509Certificate> chain = new ArrayList<>();
            Certificate[] certificates = keys.getCertificateChain(keyAliases.get(0));
            Check.argument(certificates != null, "key store %s holds a key without its certificate chain", file);
            for (Certificate certificate : certificates) {
                Check.argument(certificate instanceof X509Certificate, "key store %s holds a certificate that is not X.509", file);
                chain.add((X509Certificate) certificate);
            }
            return new Entry((PrivateKey) keys.getKey(keyAliases.get(0), password), chain);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("key store " + file + " does not give up its key: " + e.getMessage(), e);
        }
    }

    /** Writes {@code entry} under {@code alias} to {@code file}, owner-only. */
    public static void write(Path file, char[] password, String alias, Entry entry) throws IOException {
        try {
            KeyStore keys = KeyStore.getInstance(TYPE);
            keys.load(null, null);
            keys.setKeyEntry(alias, entry.key(), password, entry.chain().toArray(Certificate[]::new));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            keys.store(bytes, password);
            OwnerOnlyFile.write(file, bytes.toByteArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK 17 writes PKCS#12 key stores", e);
        }
    }
}
