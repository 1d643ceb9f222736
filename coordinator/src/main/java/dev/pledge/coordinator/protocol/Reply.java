package dev.pledge.coordinator.protocol;

import dev.pledge.core.AbortReason;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import java.util.List;
import java.util.Objects;

/** The answer to a client request, matched to it by {@code replyToken}. */
public record Reply(long replyToken, Value value) {

    public Reply {
        Objects.requireNonNull(value, "value");
    }

    /** What a reply carries: a result, or an {@link ErrorReply}. Pure types only. */
    public sealed interface Value {}

    public record BeginOk(TxId txId, long txTimeoutMs) implements Value {}

    public record EnlistOk(long txRemainingMs) implements Value {}

    /** A write-only transaction's id and its outcome (an {@link OutcomeReply} or an {@link ErrorReply}). */
    public record Written(TxId txId, Value outcome) implements Value {}

    /**
     * COMMITTED or ABORTED (with reason), FORGOTTEN, or PREPARING when not decided in time.
     * {@code damage}: for a COMMITTED transaction, one line per participant known to have lost its
     * committed writes (empty when clean).
     */
    public record OutcomeReply(TxState state, AbortReason reason, String message, List<String> damage) implements Value {
        public OutcomeReply {
            damage = List.copyOf(damage);
        }

        public OutcomeReply(TxState state, AbortReason reason, String message) {
            this(state, reason, message, List.of());
        }
    }

    /** As {@link OutcomeReply}, with the participants the coordinator knows. */
    public record StatusReply(TxState state, AbortReason reason, String message, List<String> participants,
                              List<String> damage) implements Value {
        public StatusReply {
            participants = List.copyOf(participants);
            damage = List.copyOf(damage);
        }

        public StatusReply(TxState state, AbortReason reason, String message, List<String> participants) {
            this(state, reason, message, participants, List.of());
        }
    }

    /** An application error; {@code state} (nullable) is the transaction's state for NOT_ALLOWED. */
    public record ErrorReply(ErrorKind kind, String message, TxState state) implements Value {}

    public enum ErrorKind { UNKNOWN_TX, INVALID, NOT_ALLOWED, UNAVAILABLE }
}
