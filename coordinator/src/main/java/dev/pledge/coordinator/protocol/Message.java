package dev.pledge.coordinator.protocol;

import dev.pledge.core.TxId;
import java.util.List;

/** A message to one participant. The runtime sends it and reports the result as an {@link Event}. */
public sealed interface Message {
    TxId txId();

    String participantId();

    /** Phase one; the answer comes back as VoteReceived or PrepareFailed. */
    /** {@code writes} non-null: the branch's whole write set (a write-only transaction); null: built by operations. */
    record Prepare(TxId txId, String participantId, List<String> participants, long incarnation, List<Write> writes)
            implements Message {
        public Prepare {
            participants = List.copyOf(participants);
        }

        public Prepare(TxId txId, String participantId, List<String> participants, long incarnation) {
            this(txId, participantId, participants, incarnation, null);
        }
    }

    /** Phase two, commit; answered by Acked or DeliveryFailed. */
    record Commit(TxId txId, String participantId) implements Message {}

    /** Phase two, abort; answered by Acked or DeliveryFailed. */
    record Abort(TxId txId, String participantId) implements Message {}

    /** One-phase commit to the only participant; answered by OnePhaseResult. */
    record CommitOnePhase(TxId txId, String participantId, long incarnation, List<Write> writes) implements Message {
        public CommitOnePhase(TxId txId, String participantId, long incarnation) {
            this(txId, participantId, incarnation, null);
        }
    }

    /** Asks the branch of an unresolved one-phase commit (peerState); answered by OnePhaseResult. */
    record AskBranch(TxId txId, String participantId) implements Message {}

    /**
     * Resolution (peerState): "refuse if you have not voted". A participant that has not voted
     * refuses durably; one that has answers its durable vote. Answered by VoteReceived (YES for a
     * durable yes, NO for a refusal) or, with no answer, PrepareFailed.
     */
    record AskVote(TxId txId, String participantId) implements Message {}
}
