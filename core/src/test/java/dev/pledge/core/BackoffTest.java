package dev.pledge.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(20, 1000);

    @Test
    void fullJitterSequenceForSeed42IsExact() {
        Random random = new Random(42);
        List<Long> delays = new ArrayList<>();
        for (int retry = 0; retry < 8; retry++) delays.add(backoff.delayMs(retry, random));
        assertThat(delays).containsExactly(4L, 23L, 14L, 126L, 279L, 520L, 219L, 446L);
    }

    @Test
    void ceilingDoublesFromBaseAndIsCappedAtMax() {
        List<Long> ceilings = new ArrayList<>();
        for (int retry = 0; retry < 8; retry++) ceilings.add(backoff.ceilingMs(retry));
        assertThat(ceilings).containsExactly(20L, 40L, 80L, 160L, 320L, 640L, 1000L, 1000L);
        assertThat(backoff.ceilingMs(63)).isEqualTo(1000L);
        assertThat(backoff.ceilingMs(Integer.MAX_VALUE)).isEqualTo(1000L);
    }

    @Test
    void everyDelayLiesInTheClosedJitterRange() {
        for (long seed = 0; seed < 200; seed++) {
            Random random = new Random(seed);
            for (int retry = 0; retry < 12; retry++) {
                assertThat(backoff.delayMs(retry, random)).isBetween(0L, backoff.ceilingMs(retry));
            }
        }
    }

    @Test
    void zeroBaseNeverSleeps() {
        assertThat(new Backoff(0, 0).delayMs(5, new Random(1))).isZero();
    }
}
