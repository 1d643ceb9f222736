package dev.pledge.demo.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.tls.PeerIdentity;
import dev.pledge.tls.Role;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A certificate names a Pledge identity only with one CN and exactly one pledge:role: URI. */
class PeerIdentityTest {
    @TempDir Path dir;

    private ClusterCerts cluster;

    @BeforeEach
    void ca() throws Exception {
        cluster = new ClusterCerts(dir);
    }

    private X509Certificate certificate(String subject, String... uris) {
        List<GeneralName> names = new ArrayList<>();
        for (String uri : uris) names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
        names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        return cluster.ca.sign(new X500Name(subject), names, new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth},
                CertificateAuthority.newKeyPair(new SecureRandom()).getPublic(), cluster.now, cluster.now.plus(Duration.ofDays(1)));
    }

    @Test
    void theIdIsTheCnAndTheRoleTheOnePledgeRoleUri() {
        X509Certificate certificate = certificate("O=Pledge,CN=student-b", "https://example.org/x", "pledge:role:participant");

        assertThat(PeerIdentity.of(certificate)).isEqualTo(new PeerIdentity("student-b", Role.PARTICIPANT));
    }

    @Test
    void aCallersIdentityIsReadOnceAndNeverLentToAnotherCertificate() {
        X509Certificate operator = certificate("CN=alice", "pledge:role:operator");
        X509Certificate client = certificate("CN=alice", "pledge:role:client"); // the same name, another certificate

        PeerIdentity first = PeerIdentity.ofCaller(operator);
        assertThat(PeerIdentity.ofCaller(operator)).isSameAs(first).isEqualTo(new PeerIdentity("alice", Role.OPERATOR));
        assertThat(PeerIdentity.ofCaller(client)).isEqualTo(new PeerIdentity("alice", Role.CLIENT));
        assertThat(PeerIdentity.ofCaller(operator)).isSameAs(first);
    }

    @Test
    void aCertificateWithoutARoleUriNamesNoIdentity() {
        assertThatThrownBy(() -> PeerIdentity.of(certificate("CN=student-b"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must name exactly one role", "[]");
    }

    @Test
    void aCertificateWithTwoRolesNamesNoIdentity() {
        assertThatThrownBy(() -> PeerIdentity.of(certificate("CN=alice", "pledge:role:client", "pledge:role:operator")))
                .hasMessageContaining("must name exactly one role");
    }

    @Test
    void anUnknownRoleNamesNoIdentity() {
        assertThatThrownBy(() -> PeerIdentity.of(certificate("CN=alice", "pledge:role:root"))).hasMessageContaining("names no Pledge role");
    }

    @Test
    void aSubjectWithoutOneCnOrWithAnUnsafeIdNamesNoIdentity() {
        assertThatThrownBy(() -> PeerIdentity.of(certificate("O=Pledge", "pledge:role:client"))).hasMessageContaining("exactly one CN");
        assertThatThrownBy(() -> PeerIdentity.of(certificate("CN=a,CN=b", "pledge:role:client"))).hasMessageContaining("exactly one CN");
        assertThatThrownBy(() -> PeerIdentity.of(certificate("CN=../etc", "pledge:role:client"))).hasMessageContaining("must match");
    }
}
