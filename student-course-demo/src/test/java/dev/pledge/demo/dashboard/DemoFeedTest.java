package dev.pledge.demo.dashboard;

import dev.pledge.demo.client.LiveStats;
import dev.pledge.demo.domain.Audit;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DemoFeedTest {
    private static LiveStats.Interval interval(long committed) {
        return new LiveStats.Interval(1, committed, 0, 0, Map.of(), 0, 0, 1, 2, 1, 0, 1, 0, 0, Map.of(), -1);
    }

    @Test
    void keepsTheLastTenMinutesOfIntervalsOldestFirst() {
        DemoFeed feed = new DemoFeed();
        for (int i = 0; i < DemoFeed.INTERVALS_KEPT_MAX + 5; i++) feed.interval(i * 1000L, interval(i));

        List<?> kept = (List<?>) feed.toMap().get("intervals");

        assertThat(kept).hasSize(DemoFeed.INTERVALS_KEPT_MAX);
        assertThat(((Map<?, ?>) kept.get(0)).get("committed")).isEqualTo(5L);
    }

    @Test
    void listsEventsNewestFirstAndBounded() {
        DemoFeed feed = new DemoFeed();
        for (int i = 0; i < DemoFeed.EVENTS_KEPT_MAX + 3; i++) feed.event(i, "event " + i);

        List<?> events = (List<?>) feed.toMap().get("events");

        assertThat(events).hasSize(DemoFeed.EVENTS_KEPT_MAX);
        assertThat(((Map<?, ?>) events.get(0)).get("text")).isEqualTo("event " + (DemoFeed.EVENTS_KEPT_MAX + 2));
    }

    @Test
    void theLatestAuditAndTheCountOfDirtyOnesAreShown() {
        DemoFeed feed = new DemoFeed();
        feed.audit(1, new Audit.Result(2, 1, 0, List.of("student 1 lists course 0, whose roster lacks them")));
        feed.audit(2, null);
        feed.audit(3, new Audit.Result(2, 1, 1, List.of()));

        Map<String, Object> m = feed.toMap();

        assertThat(((Map<?, ?>) m.get("audit")).get("outcome")).isEqualTo("CLEAN");
        assertThat(m.get("auditsRun")).isEqualTo(2);
        assertThat(m.get("auditsDirty")).isEqualTo(1);
    }
}
