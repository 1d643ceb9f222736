package dev.pledge.demo.certs;

import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.tls.TlsConfig;
import dev.pledge.tls.TlsFiles;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Option;

/**
 * {@code --tls}, {@code --certs DIR} and {@code --as NAME}: call a cluster over TLS 1.3, presenting
 * a certificate {@code pledge certs} made. One set of flags for {@code pledge admin} and the demo's
 * commands; each says which directory and name it defaults to.
 */
public final class TlsOptions {
    @Option(names = "--tls", description = "call over TLS 1.3 with the certificate --as from --certs (as nodes started "
            + "with certificates, e.g. by `pledge demo up --tls`, require)")
    boolean tls;

    @Option(names = "--certs", paramLabel = "DIR", description = "directory made by `pledge certs` (default: the data "
            + "directory's certs, where `pledge demo up --tls` makes them)")
    Path certs;

    @Option(names = "--as", paramLabel = "NAME", description = "whose certificate to present (default: operator for "
            + "admin commands, app for demo commands); an operator's may resolve")
    String as;

    /** Whether --tls was given. */
    public boolean requested() {
        return tls;
    }

    /**
     * {@code base} over TLS when --tls is given or {@code tlsDefault}: with the certificate of --as
     * (else {@code nameDefault}) from --certs (else {@code certsDefault}). IllegalArgumentException
     * naming the file when one is missing or does not load.
     */
    public RpcClientConfig apply(RpcClientConfig base, boolean tlsDefault, Path certsDefault, String nameDefault) {
        TlsFiles files = files(tlsDefault, certsDefault, nameDefault);
        return files == null ? base : base.withTls(TlsConfig.load(files, Clock.systemUTC()).rpc());
    }

    /** The files {@link #apply} would use, or null for plain TCP: for links that are not Thrift (a shard's Raft port). */
    public TlsFiles files(boolean tlsDefault, Path certsDefault, String nameDefault) {
        if (!tls && !tlsDefault) return null;
        return TlsFiles.inDirectory(certs != null ? certs : certsDefault, as != null ? as : nameDefault);
    }
}
