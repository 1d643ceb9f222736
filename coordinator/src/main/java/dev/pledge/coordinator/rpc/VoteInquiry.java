package dev.pledge.coordinator.rpc;

import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import java.util.List;
import java.util.Map;

/**
 * Asks a transaction's participants what they durably voted, changing nothing at them (peerState
 * with inquireOnly), all at once. For status of a transaction this coordinator holds no record of.
 */
public interface VoteInquiry {
    /** Each participant's answer, or its absence with the reason in {@code errors}, within {@code waitMs}. */
    Answers ask(TxId txId, List<String> participants, long waitMs);

    record Answers(Map<String, BranchState> states, Map<String, String> errors) {
        public Answers {
            states = Map.copyOf(states);
            errors = Map.copyOf(errors);
        }
    }
}
