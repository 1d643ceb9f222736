package dev.pledge.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    @Test
    void floorRetriesAreAllowedWithoutCalls() {
        RetryBudget budget = new RetryBudget(0.0, 2, 10_000);
        assertThat(budget.tryAcquireRetry(0)).isTrue();
        assertThat(budget.tryAcquireRetry(0)).isTrue();
        assertThat(budget.tryAcquireRetry(0)).isFalse();
    }

    @Test
    void retriesAreAShareOfCallsInTheWindow() {
        RetryBudget budget = new RetryBudget(0.5, 0, 10_000);
        for (int i = 0; i < 4; i++) budget.recordCall(0);
        assertThat(budget.tryAcquireRetry(0)).isTrue();
        assertThat(budget.tryAcquireRetry(0)).isTrue();
        assertThat(budget.tryAcquireRetry(0)).isFalse();
    }

    @Test
    void spentRetriesComeBackOnceTheWindowSlidesPast() {
        RetryBudget budget = new RetryBudget(0.0, 1, 10_000);
        assertThat(budget.tryAcquireRetry(0)).isTrue();
        assertThat(budget.tryAcquireRetry(9_999)).isFalse();
        assertThat(budget.tryAcquireRetry(10_000)).isTrue();
    }
}
