package dev.pledge.participant.rpc;

import dev.pledge.core.TxId;
import java.util.List;

/**
 * Asks, before an operator's heuristic decision, whoever may know a transaction's real outcome:
 * the coordinator first, then the peers named in the PREPARED record.
 */
public interface OutcomeOracle {

    /** What the asking found: a real outcome ({@code known != null}), or why none; plus each answer, for people. */
    record Answer(Known known, List<String> views) {}

    /** A real outcome and who told it: the coordinator ({@code peerId == null}) or a peer. */
    record Known(boolean committed, String peerId) {
        public String source() {
            return peerId == null ? "coordinator" : "peer " + peerId;
        }
    }

    /** Asks within {@code waitMs} in total; never throws for an unreachable node (that is an answer too). */
    Answer ask(TxId txId, List<String> peers, long waitMs);
}
