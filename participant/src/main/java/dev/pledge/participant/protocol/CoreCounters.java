package dev.pledge.participant.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/** Plain counters the core bumps (single-threaded); the runtime copies them into stats. */
final class CoreCounters {
    long enlisted;
    long prepared;
    long votedNo;
    long votedReadOnly;
    long committed;
    long abortedPrepared;
    long abortedUnprepared;
    long lockWaits;
    long lockTimeouts;
    long waitDieDeaths;
    long cachedOps;
    long forgottenAlarms;
    /** Peers answered "unknown" because the asked-about outcome may have been swept. */
    long forgottenAnswers;

    Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("branches.enlisted", enlisted);
        m.put("branches.prepared", prepared);
        m.put("votes.no", votedNo);
        m.put("votes.readOnly", votedReadOnly);
        m.put("branches.committed", committed);
        m.put("branches.abortedPrepared", abortedPrepared);
        m.put("branches.abortedUnprepared", abortedUnprepared);
        m.put("locks.waits", lockWaits);
        m.put("locks.timeouts", lockTimeouts);
        m.put("locks.waitDieDeaths", waitDieDeaths);
        m.put("ops.cachedReplies", cachedOps);
        m.put("inDoubt.forgottenAlarms", forgottenAlarms);
        m.put("peers.forgottenAnswers", forgottenAnswers);
        return m;
    }
}
