package dev.pledge.coordinator.protocol;

import java.util.List;

/**
 * What one {@link CoordinatorCore#step} asks the runtime to do.
 *
 * <p><b>Ordering rule.</b> The runtime executes Outputs in the order the core returned them. Every
 * record of an Outputs, and of every earlier Outputs, is durable (written, and synced if
 * {@code mustSync} of any of them) <em>before</em> any of its messages is sent or any of its replies
 * is given. So COMMIT is synced before the COMMITTED answer and before any commit message, and
 * an answer never reveals state that a crash could take back. Timers may be set at any time.
 *
 * @param records     decision-log records to append, in order
 * @param mustSync    whether the records must be synced (fsync) before the effects are released
 * @param messages    messages to participants, released after the records are durable
 * @param timers      timers to set
 * @param replies     answers to client requests, released after the records are durable
 * @param transitions one log line per notable state transition (aborts, recovery), for the runtime to log
 * @param routine     one log line per happy-path transition, for the runtime to log as detail
 * @param alarms      one log line per finding an operator must act on (data loss), logged as errors
 */
public record Outputs(List<Record> records, boolean mustSync, List<Message> messages, List<Timer.Request> timers,
                      List<Reply> replies, List<String> transitions, List<String> routine, List<String> alarms) {

    public static final Outputs NONE = new Outputs(List.of(), false, List.of(), List.of(), List.of(), List.of());

    public Outputs(List<Record> records, boolean mustSync, List<Message> messages, List<Timer.Request> timers,
                   List<Reply> replies, List<String> transitions, List<String> routine) {
        this(records, mustSync, messages, timers, replies, transitions, routine, List.of());
    }

    public Outputs(List<Record> records, boolean mustSync, List<Message> messages, List<Timer.Request> timers,
                   List<Reply> replies, List<String> transitions) {
        this(records, mustSync, messages, timers, replies, transitions, List.of());
    }

    public Outputs {
        records = List.copyOf(records);
        messages = List.copyOf(messages);
        timers = List.copyOf(timers);
        replies = List.copyOf(replies);
        transitions = List.copyOf(transitions);
        routine = List.copyOf(routine);
        alarms = List.copyOf(alarms);
        if (mustSync && records.isEmpty()) {
            throw new IllegalArgumentException("mustSync without records");
        }
    }

    public boolean isEmpty() {
        return records.isEmpty() && messages.isEmpty() && timers.isEmpty() && replies.isEmpty()
                && transitions.isEmpty() && routine.isEmpty() && alarms.isEmpty();
    }
}
