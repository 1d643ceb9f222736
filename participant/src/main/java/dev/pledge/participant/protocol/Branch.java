package dev.pledge.participant.protocol;

import dev.pledge.core.TxId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One transaction's branch on this participant, while it is live. Mutable; owned by the
 * {@link BranchLedger}, whose apply(PREPARED) alone sets phase PREPARED and the prepared fields.
 */
final class Branch {

    enum Phase { ENLISTING, ACTIVE, PREPARED }

    /** Operations parked on one key's lock wait (one wait per key; concurrent operations share it). */
    static final class Wait {
        final long waitId;
        final List<Event.Access> accesses = new ArrayList<>();

        Wait(long waitId) {
            this.waitId = waitId;
        }
    }

    /** Bound on cached operation results per branch; beyond it, retries simply re-run. */
    static final int MAX_CACHED_OPS = 10_000;

    final TxId txId;
    Phase phase;
    final Map<Key, Write> writes = new LinkedHashMap<>();
    long deadlineMs = Long.MAX_VALUE;
    /** Accesses that arrived before enlistment was confirmed, in arrival order. */
    final ArrayDeque<Event.Access> parked = new ArrayDeque<>();
    final Map<Key, Wait> waits = new HashMap<>();
    final Map<Long, Object> opResults = new HashMap<>();
    /** Operations (opSeq) that began and have not ended: a prepare now would commit half of one. */
    final Set<Long> runningOps = new TreeSet<>();
    /** Operations that wrote and then failed (or were abandoned); cleared if a retry of the same opSeq completes. */
    final Set<Long> brokenOps = new TreeSet<>();
    final Set<Long> opsThatWrote = new HashSet<>();

    // Set by BranchLedger.apply(PREPARED); what a restart rebuilds from the record.
    List<String> participants = List.of();
    String coordinatorId;
    long preparedAtMs;
    long preparedIncarnation;
    // Volatile: lost at a restart, changed by the rules.
    int pollAttempt;
    String coordinatorView = "not asked yet";
    /** When the coordinator last stopped answering this branch's polls; -1 while it answers. */
    long coordinatorUnreachableSinceMs = -1;
    /** What each peer said when last asked (cooperative termination), for operators. */
    final Map<String, String> peerViews = new LinkedHashMap<>();
    /** Peers whose answer (a state, not a failed call) has arrived; a forgotten branch stops asking them. */
    final Set<String> peersAnswered = new HashSet<>();
    /** Peers that answered PREPARED: they durably voted yes (implicit commit needs every one). */
    final Set<String> peersVotedYes = new HashSet<>();
    /** The coordinator said FORGOTTEN: the outcome is lost there; only a peer or an operator can move this branch. */
    boolean forgotten;

    Branch(TxId txId, Phase phase) {
        this.txId = txId;
        this.phase = phase;
    }

    boolean isUnprepared() {
        return phase != Phase.PREPARED;
    }

    int pendingAccesses() {
        int n = parked.size();
        for (Wait w : waits.values()) n += w.accesses.size();
        return n;
    }
}
