package dev.pledge.participant.protocol;

import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import java.util.ArrayList;

/**
 * Operator decisions on in-doubt branches. A forced outcome is recorded as HEURISTIC (synced), and
 * when the real decision arrives later and differs, the branch becomes HEURISTIC_MIXED, loudly.
 */
final class HeuristicRules {
    private final ParticipantCore core;

    HeuristicRules(ParticipantCore core) {
        this.core = core;
    }

    void resolve(Event.Resolve e, Outputs.Builder out) {
        Branch b = core.ledger.branch(e.txId());
        if (b == null) {
            Remembered r = core.ledger.outcome(e.txId());
            if (r == null) {
                out.reply(new Reply.Failed(e.token(), Reply.ErrorKind.UNKNOWN_TRANSACTION, null,
                        "no branch of " + e.txId() + " here"));
            } else {
                out.reply(new Reply.Resolved(e.token(), r.state().branchState(), false, "already decided: " + r.state()));
            }
            return;
        }
        if (b.phase != Branch.Phase.PREPARED) {
            out.reply(new Reply.Failed(e.token(), Reply.ErrorKind.NOT_ALLOWED, null,
                    "branch " + e.txId() + " has not voted; it is not in doubt (the coordinator can abort it)"));
            return;
        }
        Record.Final forced = e.commit() ? Record.Final.HEURISTIC_COMMITTED : Record.Final.HEURISTIC_ABORTED;
        out.alarm(core.line(b.txId, "PREPARED", forced.name(), "operator " + e.operator() + " forced the in-doubt branch"));
        Record r = e.commit()
                ? new Record.Applied(b.txId, new ArrayList<>(b.writes.values()), e.nowMs(), forced)
                : new Record.Concluded(b.txId, forced, e.nowMs());
        core.lockChanges(core.ledger.record(r, true, out), e.nowMs(), out);
        out.reply(new Reply.Resolved(e.token(), forced.branchState(), true, "forced " + forced));
    }

    /**
     * The real decision reached a branch an operator forced: the state to acknowledge, after
     * recording HEURISTIC_MIXED (synced) if the two disagree.
     */
    BranchState decisionAfterHeuristic(TxId txId, Remembered r, boolean committed, long nowMs, Outputs.Builder out) {
        boolean agrees = r.state() == Record.Final.HEURISTIC_MIXED
                || committed == (r.state() == Record.Final.HEURISTIC_COMMITTED);
        if (agrees) return r.state().branchState();
        out.alarm(core.line(txId, r.state().name(), "HEURISTIC_MIXED",
                "the real decision was " + (committed ? "COMMIT" : "ABORT") + ", the operator forced the other"));
        core.ledger.record(new Record.Concluded(txId, Record.Final.HEURISTIC_MIXED, nowMs), true, out);
        return BranchState.HEURISTIC_MIXED;
    }
}
