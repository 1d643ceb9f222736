package dev.pledge.coordinator.protocol;

import dev.pledge.core.LogLine;
import dev.pledge.core.StepOutputs;
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
 * @param records  decision-log records to append, in order
 * @param mustSync whether the records must be synced (fsync) before the effects are released
 * @param messages messages to participants, released after the records are durable
 * @param timers   timers to set, each at an absolute time on the node's clock
 * @param replies  answers to client requests, released after the records are durable
 * @param logLines one line per transition, in the order the core made them, with its level
 *                 (routine detail, a notable transition, or an alarm an operator must act on)
 */
public record Outputs(List<Record> records, boolean mustSync, List<Message> messages, List<Timer.Request> timers,
                      List<Reply> replies, List<LogLine> logLines)
        implements StepOutputs<Record, Message, Reply, Timer> {

    public static final Outputs NONE = new Outputs(List.of(), false, List.of(), List.of(), List.of(), List.of());

    public Outputs {
        records = List.copyOf(records);
        messages = List.copyOf(messages);
        timers = List.copyOf(timers);
        replies = List.copyOf(replies);
        logLines = List.copyOf(logLines);
        if (mustSync && records.isEmpty()) {
            throw new IllegalArgumentException("mustSync without records");
        }
    }

    public boolean isEmpty() {
        return records.isEmpty() && messages.isEmpty() && timers.isEmpty() && replies.isEmpty() && logLines.isEmpty();
    }

    /** The notable transitions' lines (aborts, recovery). */
    public List<String> transitions() {
        return lines(LogLine.Level.NOTABLE);
    }

    /** The happy path's lines (detail). */
    public List<String> routine() {
        return lines(LogLine.Level.ROUTINE);
    }

    /** The lines an operator must act on (data loss). */
    public List<String> alarms() {
        return lines(LogLine.Level.ALARM);
    }

    private List<String> lines(LogLine.Level level) {
        return logLines.stream().filter(l -> l.level() == level).map(LogLine::text).toList();
    }
}
