package dev.pledge.coordinator.protocol;

import dev.pledge.core.TxId;
import java.util.List;

/** A message to one participant. The runtime sends it and reports the result as an {@link Event}. */
public sealed interface Message {
    TxId txId();

    String participantId();

    /** Phase one; the answer comes back as VoteReceived or PrepareFailed. */
    record Prepare(TxId txId, String participantId, List<String> participants, long incarnation) implements Message {
        public Prepare {
            participants = List.copyOf(participants);
        }
    }

    /** Phase two, commit; answered by Acked or DeliveryFailed. */
    record Commit(TxId txId, String participantId) implements Message {}

    /** Phase two, abort; answered by Acked or DeliveryFailed. */
    record Abort(TxId txId, String participantId) implements Message {}

    /** One-phase commit to the only participant; answered by OnePhaseResult. */
    record CommitOnePhase(TxId txId, String participantId, long incarnation) implements Message {}

    /** Asks the branch of an unresolved one-phase commit (peerState); answered by OnePhaseResult. */
    record AskBranch(TxId txId, String participantId) implements Message {}
}
