package dev.pledge.participant.protocol;

import dev.pledge.core.LogLine;
import dev.pledge.core.StepOutputs;
import java.util.ArrayList;
import java.util.List;

/**
 * What one {@link ParticipantCore#step} asks the runtime to do.
 *
 * <p><b>Ordering rule.</b> The runtime executes Outputs in the order they were produced. Every
 * record of an Outputs, and of every earlier one, is durable — written, and synced to stable
 * storage if {@code mustSync} — before any message of that Outputs is sent or any reply is
 * given. So PREPARED is synced before the YES vote, the commit batch is synced before its Ack,
 * and an OUTCOME(ABORTED) told to a peer is synced before the answer (I4). Timers carry no
 * promise and may be set at once. Log lines describe transitions the core already made.
 */
public record Outputs(List<Record> records, boolean mustSync, List<Message> messages,
                      List<Timer.Request> timers, List<Reply> replies, List<LogLine> logLines)
        implements StepOutputs<Record, Message, Reply, Timer> {

    public static final Outputs NONE = new Outputs(List.of(), false, List.of(), List.of(), List.of(), List.of());

    public Outputs {
        records = List.copyOf(records);
        messages = List.copyOf(messages);
        timers = List.copyOf(timers);
        replies = List.copyOf(replies);
        logLines = List.copyOf(logLines);
    }

    public boolean isEmpty() {
        return records.isEmpty() && messages.isEmpty() && timers.isEmpty() && replies.isEmpty() && logLines.isEmpty();
    }

    /** Collects the effects of one step; only the core uses it. */
    static final class Builder {
        private final long nowMs;
        private final List<Record> records = new ArrayList<>();
        private boolean mustSync;
        private final List<Message> messages = new ArrayList<>();
        private final List<Timer.Request> timers = new ArrayList<>();
        private final List<Reply> replies = new ArrayList<>();
        private final List<LogLine> logLines = new ArrayList<>();

        /** {@code nowMs}: the time of the event being stepped. */
        Builder(long nowMs) {
            this.nowMs = nowMs;
        }

        void record(Record r, boolean sync) {
            records.add(r);
            mustSync |= sync;
        }

        void message(Message m) {
            messages.add(m);
        }

        /** A time already past fires at once: the request never points before the event that set it. */
        void timer(Timer t, long fireAtMs) {
            timers.add(new Timer.Request(t, Math.max(nowMs, fireAtMs)));
        }

        void reply(Reply r) {
            replies.add(r);
        }

        void log(String text) {
            logLines.add(new LogLine(LogLine.Level.NOTABLE, text));
        }

        /** A transition every transaction makes on the happy path. */
        void routine(String text) {
            logLines.add(new LogLine(LogLine.Level.ROUTINE, text));
        }

        void alarm(String text) {
            logLines.add(new LogLine(LogLine.Level.ALARM, text));
        }

        Outputs build() {
            return new Outputs(records, mustSync, messages, timers, replies, logLines);
        }
    }
}
