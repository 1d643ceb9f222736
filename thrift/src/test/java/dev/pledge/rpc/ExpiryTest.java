package dev.pledge.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Deadlines of pending answers: on time, early ones not held up by later ones, finished ones never expired. */
class ExpiryTest {

    @Test
    void anUnfinishedAnswerExpiresAtItsDeadlineAndNotBefore() {
        CompletableFuture<String> answer = new CompletableFuture<>();
        long startNs = System.nanoTime();
        Expiry.after(200, answer, () -> answer.complete("expired"));
        await().atMost(Duration.ofSeconds(5)).until(answer::isDone);
        assertThat(answer.join()).isEqualTo("expired");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs)).isGreaterThanOrEqualTo(200);
    }

    @Test
    void anEarlierDeadlineIsNotHeldUpByALaterOneQueuedFirst() {
        CompletableFuture<String> late = new CompletableFuture<>();
        CompletableFuture<String> early = new CompletableFuture<>();
        Expiry.after(60_000, late, () -> late.complete("late expired"));
        long startNs = System.nanoTime();
        Expiry.after(50, early, () -> early.complete("early expired"));
        await().atMost(Duration.ofSeconds(5)).until(early::isDone);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs)).isLessThan(5_000);
        assertThat(late).isNotDone();
        late.complete("done");
    }

    @Test
    void aFinishedAnswerIsNeverExpired() throws Exception {
        AtomicInteger expired = new AtomicInteger();
        CompletableFuture<String> answered = new CompletableFuture<>();
        Expiry.after(50, answered, expired::incrementAndGet);
        answered.complete("answered");
        // A later deadline that does expire shows the thread has looked past the first one.
        CompletableFuture<String> witness = new CompletableFuture<>();
        Expiry.after(150, witness, () -> witness.complete("expired"));
        await().atMost(Duration.ofSeconds(5)).until(witness::isDone);
        assertThat(expired).hasValue(0);
    }
}
