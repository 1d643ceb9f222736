package dev.pledge.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PeerRulesTest {
    private static final Set<String> COORDINATORS = Set.of("coord-1", "coord-2");
    private static final Set<String> PEERS = Set.of("student-a", "course-c");

    private static PeerRules.Verdict protocolCallFrom(Role role, String id) {
        return PeerRules.mayCallParticipantProtocol(new PeerIdentity(id, role), COORDINATORS, PEERS);
    }

    @Test
    void aKnownCoordinatorMayCallParticipantProtocol() {
        assertThat(protocolCallFrom(Role.COORDINATOR, "coord-2").allowed()).isTrue();
    }

    @Test
    void anUnknownCoordinatorIsRefusedNamingTheKnownOnes() {
        PeerRules.Verdict verdict = protocolCallFrom(Role.COORDINATOR, "coord-9");
        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.reason()).contains("coordinator coord-9", "coord-1");
    }

    @Test
    void aRegisteredPeerMayCallParticipantProtocol() {
        assertThat(protocolCallFrom(Role.PARTICIPANT, "course-c").allowed()).isTrue();
    }

    @Test
    void aParticipantOutsideThePeerRegistryIsRefused() {
        PeerRules.Verdict verdict = protocolCallFrom(Role.PARTICIPANT, "student-z");
        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.reason()).contains("participant student-z", "peer registry");
    }

    @Test
    void aPeerIdIsNotACoordinatorIdNorTheReverse() {
        assertThat(protocolCallFrom(Role.PARTICIPANT, "coord-1").allowed()).isFalse();
        assertThat(protocolCallFrom(Role.COORDINATOR, "student-a").allowed()).isFalse();
    }

    @Test
    void operatorsAndClientsNeverCallParticipantProtocolWhateverTheirId() {
        assertThat(protocolCallFrom(Role.OPERATOR, "coord-1").allowed()).isFalse();
        assertThat(protocolCallFrom(Role.CLIENT, "student-a").allowed()).isFalse();
        assertThat(protocolCallFrom(Role.CLIENT, "app").reason()).contains("client app", "only a coordinator or a registered peer");
    }

    @Test
    void onlyAnOperatorMayMutateAdminState() {
        assertThat(PeerRules.mayMutateAdmin(new PeerIdentity("alice", Role.OPERATOR)).allowed()).isTrue();
        for (Role role : new Role[] {Role.COORDINATOR, Role.PARTICIPANT, Role.CLIENT}) {
            PeerRules.Verdict verdict = PeerRules.mayMutateAdmin(new PeerIdentity("alice", role));
            assertThat(verdict.allowed()).as(role.label()).isFalse();
            assertThat(verdict.reason()).contains("not an operator", Role.OPERATOR.uri());
        }
    }

    @Test
    void theExpectedServerHasTheDialledRoleAndTheExpectedId() {
        PeerIdentity studentA = new PeerIdentity("student-a", Role.PARTICIPANT);
        assertThat(PeerRules.isExpectedServer(studentA, Role.PARTICIPANT, "student-a").allowed()).isTrue();
        assertThat(PeerRules.isExpectedServer(studentA, Role.PARTICIPANT, null).allowed()).isTrue();
        assertThat(PeerRules.isExpectedServer(studentA, Role.PARTICIPANT, "student-b").reason())
                .contains("participant student-a", "expected participant student-b");
        assertThat(PeerRules.isExpectedServer(studentA, Role.COORDINATOR, null).reason()).contains("expected a coordinator");
    }

    @Test
    void onlyAnOperatorCertificateNamesAnOperatorPrincipal() {
        assertThat(new PeerIdentity("alice", Role.OPERATOR).operatorPrincipal()).isEqualTo("alice");
        assertThat(new PeerIdentity("coord-1", Role.COORDINATOR).operatorPrincipal()).isNull();
    }
}
