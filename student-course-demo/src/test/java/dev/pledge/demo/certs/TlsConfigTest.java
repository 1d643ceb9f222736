package dev.pledge.demo.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.tls.PeerIdentity;
import dev.pledge.tls.Role;
import dev.pledge.tls.TlsConfig;
import dev.pledge.tls.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a node's TLS files: what loads, and a clear error naming the file for each way it cannot. */
class TlsConfigTest {
    @TempDir Path dir;
    @TempDir Path otherDir;

    private ClusterCerts cluster;

    @BeforeEach
    void certificates() throws Exception {
        cluster = new ClusterCerts(dir);
        cluster.issue("student-a", Role.PARTICIPANT);
    }

    private TlsConfig load(TlsFiles files) {
        return TlsConfig.load(files, Clock.systemUTC());
    }

    @Test
    void generatedFilesLoadAndNameTheirOwner() {
        TlsConfig config = load(cluster.files("student-a"));

        assertThat(config.self()).isEqualTo(new PeerIdentity("student-a", Role.PARTICIPANT));
        assertThat(config.serverParameters().getProtocols()).containsExactly("TLSv1.3");
        assertThat(config.serverParameters().getNeedClientAuth()).isTrue();
        assertThat(config.clientParameters().getProtocols()).containsExactly("TLSv1.3");
        assertThat(config.clientEngine("10.0.0.2", 7701).getUseClientMode()).isTrue();
        assertThat(config.serverEngine().getNeedClientAuth()).isTrue();
    }

    @Test
    void aMissingKeyStorePasswordOrCaFileIsNamed() throws Exception {
        TlsFiles files = cluster.files("student-a");
        TlsFiles noKeyStore = new TlsFiles(dir.resolve("nobody.p12"), files.passwordFile(), files.caCertificate());
        assertThatThrownBy(() -> load(noKeyStore)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key store " + noKeyStore.keyStore() + " does not exist");
        TlsFiles noPassword = new TlsFiles(files.keyStore(), dir.resolve("nobody.pass"), files.caCertificate());
        assertThatThrownBy(() -> load(noPassword)).hasMessageContaining("password file " + noPassword.passwordFile());
        TlsFiles noCa = new TlsFiles(files.keyStore(), files.passwordFile(), dir.resolve("none.crt"));
        assertThatThrownBy(() -> load(noCa)).hasMessageContaining("certificate file " + noCa.caCertificate() + " does not exist");
    }

    @Test
    void aWrongPasswordIsRefusedNamingTheKeyStore() throws Exception {
        TlsFiles files = cluster.files("student-a");
        Path wrong = Files.writeString(dir.resolve("wrong.pass"), "not-the-password\n");

        assertThatThrownBy(() -> load(new TlsFiles(files.keyStore(), wrong, files.caCertificate())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key store " + files.keyStore() + " does not open with the password");
    }

    @Test
    void aFileThatIsNotAKeyStoreOrACertificateIsNamed() throws Exception {
        TlsFiles files = cluster.files("student-a");
        Path garbage = Files.writeString(dir.resolve("garbage"), "hello");

        assertThatThrownBy(() -> load(new TlsFiles(garbage, files.passwordFile(), files.caCertificate())))
                .hasMessageContaining("key store " + garbage + " cannot be read as PKCS#12");
        assertThatThrownBy(() -> load(new TlsFiles(files.keyStore(), files.passwordFile(), garbage)))
                .hasMessageContaining("certificate file " + garbage + " cannot be read as an X.509 certificate");
    }

    @Test
    void anExpiredOrNotYetValidCertificateIsRefusedWithItsDates() throws Exception {
        cluster.directory.issue(cluster.ca, new PeerIdentity("old", Role.CLIENT), List.of(),
                cluster.now.minus(Duration.ofDays(20)), cluster.now.minus(Duration.ofDays(10)));

        assertThatThrownBy(() -> load(cluster.files("old"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the certificate in " + cluster.files("old").keyStore() + " expired on");
        Clock longAgo = Clock.fixed(cluster.now.minus(Duration.ofDays(25)), ZoneOffset.UTC);
        assertThatThrownBy(() -> TlsConfig.load(cluster.files("student-a"), longAgo)).hasMessageContaining("is not valid before");
    }

    @Test
    void aKeyStoreSignedByAnotherCaIsRefusedNamingBothFiles() throws Exception {
        ClusterCerts other = new ClusterCerts(otherDir);
        other.issue("student-a", Role.PARTICIPANT);
        TlsFiles own = cluster.files("student-a");
        TlsFiles strangerKey = new TlsFiles(other.files("student-a").keyStore(), other.files("student-a").passwordFile(), own.caCertificate());

        assertThatThrownBy(() -> load(strangerKey)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was not signed by the CA in " + own.caCertificate())
                .hasMessageContaining(strangerKey.keyStore().toString());
    }
}
