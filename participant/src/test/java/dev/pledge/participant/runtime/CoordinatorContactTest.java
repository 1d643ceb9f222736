package dev.pledge.participant.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.runtime.Clock;
import org.junit.jupiter.api.Test;

/** With several coordinators, one that answers is enough: "lost" means every one is failing. */
class CoordinatorContactTest {
    private long nowMs = 1_000;
    private final CoordinatorContact contact = new CoordinatorContact(new Clock() {
        @Override
        public long nowMs() {
            return nowMs;
        }

        @Override
        public void sleepMs(long ms) {
            nowMs += ms;
        }
    });

    @Test
    void lostOnlyOnceEveryCoordinatorFailsCountedFromTheLastToFail() {
        contact.ok("coord-1");
        contact.ok("coord-2");
        contact.failed("coord-1", "connection refused");
        nowMs += 3_000;
        assertThat(contact.lostForMs()).as("coord-2 still answers").isZero();

        contact.failed("coord-2", "timed out");
        nowMs += 500;
        assertThat(contact.lostForMs()).isEqualTo(500);
        assertThat(contact.lastError()).isEqualTo("coord-1: connection refused; coord-2: timed out");

        contact.ok("coord-1");
        assertThat(contact.lostForMs()).isZero();
        assertThat(contact.lastOkMs()).isEqualTo(nowMs);
    }
}
