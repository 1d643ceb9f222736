package dev.pledge.demo.certs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.tls.PeerIdentity;
import dev.pledge.tls.PeerRules;
import dev.pledge.tls.Role;
import dev.pledge.tls.TlsConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real TLS 1.3 handshakes over loopback between contexts {@link TlsConfig} loads from files the
 * generator wrote: both ends present a certificate, each reads the other's identity, and a peer
 * without a valid certificate of the cluster CA never gets a byte.
 */
class MutualTlsHandshakeTest {
    @TempDir Path dir;
    @TempDir Path otherDir;

    private ClusterCerts cluster;
    private TlsConfig studentA;
    private TlsConfig coordinator;

    @BeforeEach
    void certificates() throws Exception {
        cluster = new ClusterCerts(dir);
        studentA = cluster.issue("student-a", Role.PARTICIPANT);
        coordinator = cluster.issue("coord-1", Role.COORDINATOR);
    }

    @Test
    void aCoordinatorAndAParticipantHandshakeOverTls13AndEachNamesTheOther() throws Exception {
        Loopback.Outcome outcome = Loopback.connect(studentA.context(), studentA.serverParameters(),
                coordinator.context(), coordinator.clientParameters());

        assertThat(outcome.serverFailure()).isNull();
        assertThat(outcome.clientFailure()).isNull();
        assertThat(outcome.clientAccepted()).isTrue();
        assertThat(outcome.protocol()).isEqualTo("TLSv1.3");
        assertThat(outcome.serverSawClient()).isEqualTo(new PeerIdentity("coord-1", Role.COORDINATOR));
        assertThat(outcome.clientSawServer()).isEqualTo(new PeerIdentity("student-a", Role.PARTICIPANT));
        assertThat(PeerRules.mayCallParticipantProtocol(outcome.serverSawClient(), Set.of("coord-1"), Set.of()).allowed()).isTrue();
        assertThat(PeerRules.isExpectedServer(outcome.clientSawServer(), Role.PARTICIPANT, "student-a").allowed()).isTrue();
    }

    @Test
    void anOperatorsClientCertificateIsAcceptedAndNamesTheOperator() throws Exception {
        TlsConfig alice = cluster.issue("alice", Role.OPERATOR);

        Loopback.Outcome outcome = Loopback.connect(studentA.context(), studentA.serverParameters(), alice.context(), alice.clientParameters());

        assertThat(outcome.clientAccepted()).isTrue();
        assertThat(outcome.serverSawClient().operatorPrincipal()).isEqualTo("alice");
    }

    @Test
    void anOperatorCertificateCannotServeAsANode() throws Exception {
        TlsConfig alice = cluster.issue("alice", Role.OPERATOR);

        Loopback.Outcome outcome = Loopback.connect(alice.context(), alice.serverParameters(), coordinator.context(),
                coordinator.clientParameters());

        assertThat(outcome.clientAccepted()).isFalse();
        assertThat(outcome.clientFailure()).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void aClientWithoutACertificateIsRefused() throws Exception {
        SSLParameters noCertificate = coordinator.clientParameters();

        Loopback.Outcome outcome = Loopback.connect(studentA.context(), studentA.serverParameters(),
                cluster.contextWithoutCertificate(), noCertificate);

        assertRefusedByServer(outcome);
        assertThat(outcome.serverFailure()).hasMessageContaining("Empty client certificate chain");
    }

    @Test
    void aClientWithACertificateOfAnotherCaIsRefused() throws Exception {
        ClusterCerts other = new ClusterCerts(otherDir);
        other.issue("coord-1", Role.COORDINATOR);

        Loopback.Outcome outcome = Loopback.connect(studentA.context(), studentA.serverParameters(),
                cluster.contextPresenting(other.files("coord-1")), coordinator.clientParameters());

        assertRefusedByServer(outcome);
    }

    @Test
    void aServerWithACertificateOfAnotherCaIsRefusedByTheCaller() throws Exception {
        ClusterCerts other = new ClusterCerts(otherDir);
        other.issue("student-a", Role.PARTICIPANT);

        Loopback.Outcome outcome = Loopback.connect(cluster.contextPresenting(other.files("student-a")), studentA.serverParameters(),
                coordinator.context(), coordinator.clientParameters());

        assertThat(outcome.clientAccepted()).isFalse();
        assertThat(outcome.clientFailure()).isInstanceOf(SSLHandshakeException.class);
        assertThat(outcome.clientSawServer()).isNull();
    }

    @Test
    void aClientWithAnExpiredCertificateIsRefused() throws Exception {
        cluster.directory.issue(cluster.ca, new PeerIdentity("coord-old", Role.COORDINATOR), List.of(),
                cluster.now.minus(Duration.ofDays(20)), cluster.now.minus(Duration.ofDays(10)));
        // Loaded as of a day when it was valid: the server's own clock is what must refuse it.
        TlsConfig expired = TlsConfig.load(cluster.files("coord-old"),
                Clock.fixed(cluster.now.minus(Duration.ofDays(15)), ZoneOffset.UTC));

        Loopback.Outcome outcome = Loopback.connect(studentA.context(), studentA.serverParameters(),
                expired.context(), expired.clientParameters());

        assertRefusedByServer(outcome);
    }

    @Test
    void aClientOfferingOnlyTls12IsRefused() throws Exception {
        SSLParameters tls12 = coordinator.clientParameters();
        tls12.setProtocols(new String[] {"TLSv1.2"});

        Loopback.Outcome outcome = Loopback.connect(studentA.context(), studentA.serverParameters(), coordinator.context(), tls12);

        assertRefusedByServer(outcome);
        assertThat(outcome.clientFailure()).isInstanceOf(SSLHandshakeException.class);
    }

    private static void assertRefusedByServer(Loopback.Outcome outcome) {
        assertThat(outcome.serverFailure()).isInstanceOf(SSLHandshakeException.class);
        assertThat(outcome.serverSawClient()).isNull();
        assertThat(outcome.clientAccepted()).isFalse();
    }
}
