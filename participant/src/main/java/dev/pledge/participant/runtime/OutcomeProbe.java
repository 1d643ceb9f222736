package dev.pledge.participant.runtime;

import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.participant.rpc.OutcomeOracle;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.StatusResponse;
import java.util.ArrayList;
import java.util.List;
import org.apache.thrift.TException;

/**
 * The runtime's {@link OutcomeOracle}: a status call to the coordinator, then peerState to each peer,
 * one after the other on the operator's request thread, each bounded by a share of the deadline.
 */
final class OutcomeProbe implements OutcomeOracle {
    /** Floor and cap of one call's share of the deadline. */
    private static final long CALL_MIN_MS = 200;
    private static final long CALL_MAX_MS = 2_000;

    private final String participantId;
    private final CoordinatorLink coordinator;
    private final PeerLink peers;

    OutcomeProbe(String participantId, CoordinatorLink coordinator, PeerLink peers) {
        this.participantId = participantId;
        this.coordinator = coordinator;
        this.peers = peers;
    }

    @Override
    public Answer ask(TxId txId, List<String> participants, long waitMs) {
        long callMs = Math.max(CALL_MIN_MS, Math.min(CALL_MAX_MS, waitMs / (2 + participants.size())));
        List<String> views = new ArrayList<>();
        try {
            StatusResponse s = coordinator.statusNow(txId, callMs);
            views.add("coordinator: " + s.getState());
            switch (s.getState()) {
                case COMMITTED -> { return new Answer(new Known(true, null), views); }
                case ABORTED -> { return new Answer(new Known(false, null), views); }
                case ACTIVE, PREPARING, FORGOTTEN -> { } // no outcome to tell (yet); a peer still may
            }
        } catch (TException | RuntimeException e) {
            views.add("coordinator: unreachable (" + CoordinatorLink.describe(e) + ")");
        }
        for (String peer : participants) {
            if (peer.equals(participantId)) continue;
            try {
                BranchState state = peers.askNow(txId, peer, callMs);
                views.add(peer + ": " + state);
                if (state == BranchState.COMMITTED || state == BranchState.ABORTED) {
                    return new Answer(new Known(state == BranchState.COMMITTED, peer), views);
                }
            } catch (TException | RuntimeException e) {
                views.add(peer + ": unreachable (" + CoordinatorLink.describe(e) + ")");
            }
        }
        return new Answer(null, views);
    }
}
