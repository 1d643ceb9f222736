package dev.pledge.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoopTimersTest {
    private final LoopTimers<String> timers = new LoopTimers<>();

    @Test
    void firesDueTimersEarliestFirstAndTiesInTheOrderSet() {
        timers.add("late", 30);
        timers.add("b", 10);
        timers.add("a", 5);
        timers.add("c", 10);

        assertThat(timers.due(4)).isEmpty();
        assertThat(timers.due(10)).containsExactly("a", "b", "c");
        assertThat(timers.size()).isEqualTo(1);
        assertThat(timers.due(100)).containsExactly("late");
    }

    @Test
    void theLoopWaitsNoLongerThanTheNextTimerNorTheCap() {
        assertThat(timers.waitMs(0, 100)).isEqualTo(100);
        timers.add("t", 40);
        assertThat(timers.waitMs(10, 100)).isEqualTo(30);
        assertThat(timers.waitMs(10, 20)).isEqualTo(20);
        assertThat(timers.waitMs(50, 100)).isZero();
    }
}
