package dev.pledge.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoleTest {
    @Test
    void everyRoleRoundTripsThroughItsUri() {
        for (Role role : Role.values()) assertThat(Role.fromUri(role.uri())).isEqualTo(role);
        assertThat(Role.COORDINATOR.uri()).isEqualTo("pledge:role:coordinator");
    }

    @Test
    void aUriThatNamesNoRoleIsRefused() {
        assertThatThrownBy(() -> Role.fromUri("pledge:role:admin")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pledge:role:admin");
        assertThatThrownBy(() -> Role.fromUri("pledge:role:COORDINATOR")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Role.fromUri(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyCoordinatorsAndParticipantsAreNodes() {
        assertThat(Role.COORDINATOR.isNode()).isTrue();
        assertThat(Role.PARTICIPANT.isNode()).isTrue();
        assertThat(Role.OPERATOR.isNode()).isFalse();
        assertThat(Role.CLIENT.isNode()).isFalse();
    }
}
