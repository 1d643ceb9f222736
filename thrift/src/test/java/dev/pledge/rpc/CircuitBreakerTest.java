package dev.pledge.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.rpc.CircuitBreaker.State;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private final CircuitBreaker breaker = new CircuitBreaker("test", 3, 1000);

    @Test
    void opensAfterThresholdConsecutiveFailures() {
        fail(2);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        fail(1);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryAcquire(999)).isFalse();
    }

    @Test
    void aSuccessResetsTheConsecutiveCount() {
        fail(2);
        assertThat(breaker.tryAcquire(0)).isTrue();
        breaker.onSuccess();
        fail(2);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void halfOpenLetsExactlyOneProbeThroughAndItsSuccessCloses() {
        fail(3);
        assertThat(breaker.tryAcquire(1000)).isTrue();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.tryAcquire(1000)).isFalse();
        assertThat(breaker.tryAcquire(5000)).isFalse();
        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.tryAcquire(5000)).isTrue();
    }

    @Test
    void failedProbeReopensForAnotherCoolDown() {
        fail(3);
        assertThat(breaker.tryAcquire(1000)).isTrue();
        breaker.onFailure(1000);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryAcquire(1999)).isFalse();
        assertThat(breaker.tryAcquire(2000)).isTrue();
    }

    @Test
    void abandonedProbeFreesTheSlotForTheNextCaller() {
        fail(3);
        assertThat(breaker.tryAcquire(1000)).isTrue();
        breaker.onAbandoned();
        assertThat(breaker.tryAcquire(1000)).isTrue();
    }

    @Test
    void anAnsweredLivenessProbeClosesTheCircuitWithoutWaitingOutTheCoolDown() {
        fail(3);
        assertThat(breaker.tryAcquire(10)).isFalse();
        breaker.onProbe(true, 10);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.tryAcquire(11)).isTrue();
    }

    @Test
    void failedLivenessProbesOpenTheCircuitLikeCallsButNeverExtendItsCoolDown() {
        breaker.onProbe(false, 0);
        breaker.onProbe(false, 0);
        breaker.onProbe(false, 0);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        breaker.onProbe(false, 900);
        assertThat(breaker.tryAcquire(1000)).isTrue();
    }

    private void fail(int n) {
        for (int i = 0; i < n; i++) {
            assertThat(breaker.tryAcquire(0)).isTrue();
            breaker.onFailure(0);
        }
    }
}
