package dev.pledge.coordinator.protocol;

import dev.pledge.core.LogLine;
import java.util.ArrayList;
import java.util.List;

/** Collects the effects of one step; the core freezes it into an {@link Outputs}. */
final class OutputsBuilder {
    private final List<Record> records = new ArrayList<>();
    private boolean mustSync;
    private final List<Message> messages = new ArrayList<>();
    private final List<Timer.Request> timers = new ArrayList<>();
    private final List<Reply> replies = new ArrayList<>();
    private final List<LogLine> logLines = new ArrayList<>();

    void record(Record record, boolean sync) {
        records.add(record);
        mustSync |= sync;
    }

    void send(Message message) {
        messages.add(message);
    }

    void timer(Timer timer, long fireAtMs) {
        timers.add(new Timer.Request(timer, fireAtMs));
    }

    void reply(long replyToken, Reply.Value value) {
        replies.add(new Reply(replyToken, value));
    }

    void transition(String line) {
        logLines.add(LogLine.notable(line));
    }

    /** A transition every transaction makes on the happy path (logged as detail, not as news). */
    void routine(String line) {
        logLines.add(LogLine.routine(line));
    }

    /** A finding an operator must act on (logged as an error). */
    void alarm(String line) {
        logLines.add(LogLine.alarm(line));
    }

    Outputs build() {
        return new Outputs(records, mustSync, messages, timers, replies, logLines);
    }
}
