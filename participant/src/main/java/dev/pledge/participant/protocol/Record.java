package dev.pledge.participant.protocol;

import dev.pledge.core.BranchState;
import dev.pledge.core.Check;
import dev.pledge.core.OnDiskId;
import dev.pledge.core.TxId;
import java.util.List;

/**
 * What a participant makes durable. The same {@code BranchLedger.apply(record)} path builds
 * state at start-up and during normal operation, so recovery is replay, not a second implementation.
 */
public sealed interface Record {

    /** The durable start counter; a new one is synced at every start, before serving. */
    record Incarnation(long number) implements Record {
        public Incarnation {
            Check.argument(number >= 1, "incarnation must be >= 1, was %s", number);
        }
    }

    /**
     * The data directory's identity, synced once when the directory is new. Votes, acknowledgements
     * and peer answers carry it, so a node that came back on an empty disk is never taken for its
     * old self: a coordinator that holds its YES vote sees another storage answering.
     */
    record Storage(long storageId) implements Record {
        public Storage {
            Check.argument(storageId != 0, "storageId 0 means unknown");
        }
    }

    /** Voted YES: everything needed to commit later, even after a crash. Synced before the vote. */
    record Prepared(TxId txId, List<Write> writes, List<String> participants, String coordinatorId,
                    long incarnation, long preparedAtMs) implements Record {
        public Prepared {
            Check.notNull(txId, "txId");
            Check.argument(!writes.isEmpty(), "a prepared branch has writes (else it votes READ_ONLY)");
            writes = List.copyOf(writes);
            participants = List.copyOf(participants);
            Check.notNull(coordinatorId, "coordinatorId");
        }
    }

    /**
     * Commit: data writes + delete PREPARED + OUTCOME(outcome), one atomic batch, synced before the
     * Ack. {@code outcome} is COMMITTED, or HEURISTIC_COMMITTED when an operator forced it.
     */
    record Applied(TxId txId, List<Write> writes, long atMs, Final outcome) implements Record {
        public Applied {
            Check.notNull(txId, "txId");
            writes = List.copyOf(writes);
            Check.argument(outcome == Final.COMMITTED || outcome == Final.HEURISTIC_COMMITTED,
                    "an applied branch is committed, was %s", outcome);
        }

        public Applied(TxId txId, List<Write> writes, long atMs) {
            this(txId, writes, atMs, Final.COMMITTED);
        }
    }

    /**
     * A final outcome without data: delete PREPARED (if any) + OUTCOME(state). Start-up also reads
     * the OUTCOME of an earlier {@link Applied} back as one of these (its data is already in place).
     */
    record Concluded(TxId txId, Final state, long atMs) implements Record {
        public Concluded {
            Check.notNull(txId, "txId");
            Check.notNull(state, "state");
        }
    }

    /** The retention sweep dropped an OUTCOME. */
    record OutcomeForgotten(TxId txId) implements Record {}

    /**
     * The retention sweep may have dropped outcomes of {@code watermark}'s coordinator up to it.
     * Written with the OutcomeForgotten records it covers (one batch), so an asked-about TxId at or
     * below it that is unknown here may be a forgotten yes: it is answered "forgotten", never refused.
     */
    record SweptUpTo(TxId watermark) implements Record {
        public SweptUpTo {
            Check.notNull(watermark, "watermark");
        }
    }

    /** Final branch outcomes that are remembered (durably or not) for repeats and peers; stored by their id. */
    enum Final implements OnDiskId {
        COMMITTED(0), ABORTED(1),
        /** Voted READ_ONLY: this participant took no part in the decision and cannot tell a peer what it was. */
        READ_ONLY(2),
        /** An operator forced the in-doubt branch; the real decision has not contradicted it (yet). */
        HEURISTIC_COMMITTED(3), HEURISTIC_ABORTED(4),
        /** An operator forced one outcome and the real decision was the other. Reported loudly. */
        HEURISTIC_MIXED(5);

        private final int onDiskId;

        Final(int onDiskId) {
            this.onDiskId = onDiskId;
        }

        @Override
        public int onDiskId() {
            return onDiskId;
        }

        public boolean isHeuristic() {
            return this == HEURISTIC_COMMITTED || this == HEURISTIC_ABORTED || this == HEURISTIC_MIXED;
        }

        /** How the branch reports itself; a READ_ONLY voter has no state of its own left. */
        public BranchState branchState() {
            return switch (this) {
                case COMMITTED -> BranchState.COMMITTED;
                case ABORTED -> BranchState.ABORTED;
                case READ_ONLY -> BranchState.UNKNOWN;
                case HEURISTIC_COMMITTED -> BranchState.HEURISTIC_COMMITTED;
                case HEURISTIC_ABORTED -> BranchState.HEURISTIC_ABORTED;
                case HEURISTIC_MIXED -> BranchState.HEURISTIC_MIXED;
            };
        }
    }
}
