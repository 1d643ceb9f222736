package dev.pledge.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplyMarginTest {

    @Test
    void aTenthOfTheRemainingTimeIsKeptBackForTheReply() {
        assertThat(ReplyMargin.withinMs(300)).isEqualTo(270);
        assertThat(ReplyMargin.withinMs(5_000)).isEqualTo(4_500);
    }

    @Test
    void theMarginNeverExceedsItsCap() {
        assertThat(ReplyMargin.marginMs(5_001)).isEqualTo(ReplyMargin.MARGIN_MS_MAX);
        assertThat(ReplyMargin.withinMs(60_000)).isEqualTo(60_000 - ReplyMargin.MARGIN_MS_MAX);
    }

    @Test
    void aCallerWithNoTimeLeftStillGetsOneMillisecondNeverANegativeWait() {
        assertThat(ReplyMargin.withinMs(1)).isEqualTo(1);
        assertThat(ReplyMargin.withinMs(0)).isEqualTo(1);
        assertThat(ReplyMargin.withinMs(-250)).isEqualTo(1);
        assertThat(ReplyMargin.marginMs(-250)).isZero();
    }
}
