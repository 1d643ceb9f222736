package dev.pledge.participant.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.rpc.Endpoint;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParticipantConfigTest {
    private final Endpoint listen = new Endpoint("127.0.0.1", 0);
    private final Endpoint coordinator = new Endpoint("127.0.0.1", 7000);

    @Test
    void defaultsAreValidAndCarryIntoTheCore() {
        ParticipantConfig c = ParticipantConfig.defaults("course-c", listen, Path.of("d"), coordinator)
                .withLockWaitMaxMs(750)
                .withPeers(Map.of("student-a", new Endpoint("127.0.0.1", 7101)));
        assertThat(c.coreConfig().participantId()).isEqualTo("course-c");
        assertThat(c.coreConfig().lockWaitMaxMs()).isEqualTo(750);
        assertThat(c.rpc().peers()).containsOnlyKeys("student-a");
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> ParticipantConfig.defaults("has space", listen, Path.of("d"), coordinator))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("participantId");
        assertThatThrownBy(() -> ParticipantConfig.defaults("a", listen, Path.of("d"), coordinator).withLockWaitMaxMs(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lockWaitMaxMs");
        assertThatThrownBy(() -> ParticipantConfig.defaults("a", listen, Path.of("d"), coordinator).withInDoubtPollMs(10, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inDoubtPollMaxMs");
    }
}
