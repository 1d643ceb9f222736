package dev.pledge.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClockTest {

    @Test
    void systemTimeIsAnchoredToTheWallClockSoPersistedTimesSurviveRestarts() {
        long wallMs = System.currentTimeMillis();
        // Generous bound: only a wall-clock step during the test could break it.
        assertThat(Clock.system().nowMs()).isBetween(wallMs - TimeUnit.HOURS.toMillis(1),
                wallMs + TimeUnit.HOURS.toMillis(1));
    }

    @Test
    void systemTimeNeverGoesBackwards() {
        long previous = Clock.system().nowMs();
        for (int i = 0; i < 10_000; i++) {
            long now = Clock.system().nowMs();
            assertThat(now).isGreaterThanOrEqualTo(previous);
            previous = now;
        }
    }
}
