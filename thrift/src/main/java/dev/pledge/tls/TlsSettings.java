package dev.pledge.tls;

import dev.pledge.core.config.ConfigValues;
import dev.pledge.core.config.Setting;
import java.nio.file.Path;
import java.util.List;

/** The TLS keys every node kind takes: all three turn TLS on for its server and its clients; none leaves it off. */
public final class TlsSettings {
    public static final Setting<Path> KEY_STORE = Setting.optional("rpc.tls-key-store", Path::of,
            "PKCS#12 file with this node's key and certificate (made by pledge certs); with the two below, TLS 1.3 "
                    + "with client certificates on every link");
    public static final Setting<Path> PASSWORD_FILE = Setting.optional("rpc.tls-password-file", Path::of,
            "file holding the key store's password");
    public static final Setting<Path> CA = Setting.optional("rpc.tls-ca", Path::of,
            "PEM certificate of the cluster's CA: the only one trusted");

    public static final List<Setting<?>> ALL = List.of(KEY_STORE, PASSWORD_FILE, CA);

    private TlsSettings() {}

    /** The command-line flags that give a node {@code files}: {@code --tls-key-store F --tls-password-file F --tls-ca F}. */
    public static List<String> flags(TlsFiles files) {
        return List.of(flag(KEY_STORE), files.keyStore().toString(), flag(PASSWORD_FILE), files.passwordFile().toString(),
                flag(CA), files.caCertificate().toString());
    }

    /** A key's flag is its name within its section: rpc.tls-ca is --tls-ca. */
    private static String flag(Setting<Path> setting) {
        return "--" + setting.key().substring(setting.key().indexOf('.') + 1);
    }

    /** The files, or null when TLS is off; IllegalArgumentException when only some are given. */
    public static TlsFiles files(ConfigValues v) {
        Path keyStore = v.get(KEY_STORE);
        Path password = v.get(PASSWORD_FILE);
        Path ca = v.get(CA);
        if (keyStore == null && password == null && ca == null) return null;
        if (keyStore == null || password == null || ca == null) {
            throw new IllegalArgumentException("TLS needs all of " + KEY_STORE.key() + ", " + PASSWORD_FILE.key() + " and "
                    + CA.key() + "; got " + (keyStore == null ? "" : KEY_STORE.key() + " ") + (password == null ? "" : PASSWORD_FILE.key() + " ")
                    + (ca == null ? "" : CA.key()));
        }
        return new TlsFiles(keyStore, password, ca);
    }
}
