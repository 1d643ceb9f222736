package dev.pledge.coordinator.protocol;

import dev.pledge.core.AbortReason;
import dev.pledge.core.BranchState;
import dev.pledge.core.Check;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The status of a transaction this coordinator holds no record of, read from what its participants
 * say they durably voted when asked without changing anything (implicit commit): a COMMITTED branch
 * or a yes from every participant means COMMITTED; an ABORTED branch (a durable refusal or an abort)
 * means ABORTED; otherwise nothing is decided yet, or it cannot be told, and nothing is guessed.
 * Another coordinator answers a client this way when the transaction's own coordinator is gone.
 */
public final class VoteTally {
    private VoteTally() {}

    /**
     * @param participants the transaction's participants, as the caller knows them
     * @param answers      each participant's answer; absent for one that could not be asked
     * @param errors       why a participant could not be asked (for the message)
     */
    public static Reply.StatusReply of(TxId txId, List<String> participants, Map<String, BranchState> answers,
                                       Map<String, String> errors) {
        Check.argument(!participants.isEmpty(), "participants must not be empty");
        List<String> views = new ArrayList<>(participants.size());
        String committedAt = null;
        String abortedAt = null;
        int yes = 0;
        int unknown = 0;
        for (String p : participants) {
            BranchState s = answers.get(p);
            views.add(p + ": " + (s != null ? s : "unreachable (" + errors.getOrDefault(p, "no answer") + ")"));
            if (s == null) continue;
            switch (s) {
                case COMMITTED -> committedAt = committedAt == null ? p : committedAt;
                case ABORTED -> abortedAt = abortedAt == null ? p : abortedAt;
                case PREPARED, HEURISTIC_COMMITTED, HEURISTIC_ABORTED, HEURISTIC_MIXED -> yes++;
                case UNKNOWN -> unknown++;
                case ACTIVE -> { } // not voted yet
            }
        }
        String seen = String.join(", ", views);
        if (committedAt != null && abortedAt != null) {
            // Only damage (a forced branch, a lost disk) can put both outcomes on the record.
            return new Reply.StatusReply(TxState.COMMITTED, null, txId + ": participants disagree (" + seen + ")",
                    participants, List.of(abortedAt + ": ABORTED although " + committedAt + " COMMITTED"));
        }
        if (committedAt != null || yes == participants.size()) {
            return new Reply.StatusReply(TxState.COMMITTED, null,
                    "every participant durably voted yes or committed (" + seen + ")", participants);
        }
        if (abortedAt != null) {
            return new Reply.StatusReply(TxState.ABORTED, AbortReason.PARTICIPANT_VOTED_NO,
                    abortedAt + " refused or aborted (" + seen + ")", participants);
        }
        if (unknown == participants.size()) {
            return new Reply.StatusReply(TxState.FORGOTTEN, null, "no participant has a record of " + txId
                    + " (it never reached them, or its outcome was swept): " + seen, participants);
        }
        return new Reply.StatusReply(TxState.PREPARING, null, "not every vote is known yet (" + seen + ")",
                participants);
    }
}
