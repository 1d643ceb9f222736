package dev.pledge.participant.protocol;

import dev.pledge.core.TxId;

/** Requests to the coordinator; the runtime sends them and posts the answers back as events. */
public sealed interface Message {

    /** First operation of a transaction here: join it. Answered by {@link Event.EnlistResult}. */
    record Enlist(TxId txId, long incarnation) implements Message {}

    /** An in-doubt branch asks for the decision. Answered by {@link Event.CoordinatorStatus} or {@link Event.CoordinatorUnreachable}. */
    record AskCoordinatorStatus(TxId txId) implements Message {}

    /** Cooperative termination: the coordinator is unreachable, so ask a peer. Answered by {@link Event.PeerReplied}. */
    record AskPeer(TxId txId, String peerId) implements Message {}
}
