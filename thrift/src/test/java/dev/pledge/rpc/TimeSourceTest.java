package dev.pledge.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TimeSourceTest {

    @Test
    void systemTimeIsAnchoredToTheWallClockSoPersistedTimesSurviveRestarts() {
        long wallMs = System.currentTimeMillis();
        // Generous bound: only a wall-clock step during the test could break it.
        assertThat(TimeSource.system().nowMs()).isBetween(wallMs - TimeUnit.HOURS.toMillis(1),
                wallMs + TimeUnit.HOURS.toMillis(1));
    }

    @Test
    void systemTimeNeverGoesBackwards() {
        long previous = TimeSource.system().nowMs();
        for (int i = 0; i < 10_000; i++) {
            long now = TimeSource.system().nowMs();
            assertThat(now).isGreaterThanOrEqualTo(previous);
            previous = now;
        }
    }
}
