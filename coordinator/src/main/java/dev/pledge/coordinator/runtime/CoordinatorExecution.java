package dev.pledge.coordinator.runtime;

import dev.pledge.coordinator.protocol.Message;
import dev.pledge.coordinator.protocol.Outputs;
import dev.pledge.coordinator.protocol.Record;
import dev.pledge.coordinator.protocol.Reply;
import dev.pledge.failpoint.Failpoints;
import java.util.List;

/**
 * How the coordinator executes one step's Outputs after its log lines and timers: the records go
 * to the decision log, and the messages and replies are released only once those records (and
 * every earlier one) are durable. Used by {@link CoordinatorRuntime} and, unchanged, by the
 * simulator, which plugs in its own log and effects.
 */
public final class CoordinatorExecution {
    /** Crash point: every vote is YES, the COMMIT record is not yet written. */
    public static final String FAILPOINT_COMMIT_BEFORE_WRITE = "coordinator.commit.before-write";
    /**
     * Crash point: COMMIT is written (an unsynced hint; synced for a one-phase commit), no commit
     * message or COMMITTED answer has left.
     */
    public static final String FAILPOINT_COMMIT_WRITTEN = "coordinator.commit.written";

    /** Where records go: the group-commit writer, or the simulator's driver of the same state machine. */
    public interface Log {
        void submit(List<Record> records, boolean sync, Runnable release);
    }

    /** Where released effects go, in order: an Outputs' replies, then its messages. */
    public interface Effects {
        void send(Message message);

        void reply(Reply reply);

        /** The Outputs' records are durable, before its messages and replies leave (meters). */
        default void released(Outputs outputs) {}
    }

    private final Log log;

    public CoordinatorExecution(Log log) {
        this.log = log;
    }

    /** Logs the records of {@code out} and releases its messages and replies once they are durable. */
    public void execute(Outputs out, Effects effects) {
        if (out.records().isEmpty() && out.messages().isEmpty() && out.replies().isEmpty()) return;
        boolean decidesCommit = Failpoints.enabled() && decidesCommit(out);
        if (decidesCommit) Failpoints.hit(FAILPOINT_COMMIT_BEFORE_WRITE);
        log.submit(out.records(), out.mustSync(), new Release(out, effects, decidesCommit));
    }

    /** The action run once an Outputs' records are durable; named so that simulated states hash alike. */
    private record Release(Outputs out, Effects effects, boolean decidesCommit) implements Runnable {
        @Override
        public void run() {
            if (decidesCommit) Failpoints.hit(FAILPOINT_COMMIT_WRITTEN);
            effects.released(out);
            // Replies first: a message only joins a participant's queue, while the reply to a
            // commit is what its client waits for. Both leave only now, so the order is free.
            for (Reply r : out.replies()) effects.reply(r);
            for (Message m : out.messages()) effects.send(m);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("release");
            // Messages may carry writes (byte arrays, printed by identity): name them by kind and target.
            for (Message m : out.messages()) {
                sb.append(' ').append(m.getClass().getSimpleName()).append(' ').append(m.txId()).append("->")
                        .append(m.participantId());
            }
            return sb.append(" replies=").append(out.replies()).toString();
        }
    }

    private static boolean decidesCommit(Outputs outputs) {
        for (Record r : outputs.records()) {
            if (r instanceof Record.Commit) return true;
        }
        return false;
    }
}
