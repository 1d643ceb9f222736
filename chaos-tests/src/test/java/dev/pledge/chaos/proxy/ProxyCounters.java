package dev.pledge.chaos.proxy;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What a {@link FrameProxy} did, by action, so a test can tell its faults really happened. */
public final class ProxyCounters {
    private final Map<FrameAction.Kind, LongAdder> byKind = new EnumMap<>(FrameAction.Kind.class);
    private final LongAdder connections = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder replaysDropped = new LongAdder();

    ProxyCounters() {
        for (FrameAction.Kind k : FrameAction.Kind.values()) byKind.put(k, new LongAdder());
    }

    void count(FrameAction.Kind kind) {
        byKind.get(kind).increment();
    }

    void connection() {
        connections.increment();
    }

    void refused() {
        refused.increment();
    }

    void replayDropped() {
        replaysDropped.increment();
    }

    public long frames(FrameAction.Kind kind) {
        return byKind.get(kind).sum();
    }

    public long connections() {
        return connections.sum();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        byKind.forEach((k, v) -> sb.append(k.name().toLowerCase()).append('=').append(v.sum()).append(' '));
        return sb.append("connections=").append(connections.sum()).append(" refused=").append(refused.sum())
                .append(" replaysDropped=").append(replaysDropped.sum()).toString();
    }
}
