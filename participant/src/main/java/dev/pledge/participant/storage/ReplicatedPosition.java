package dev.pledge.participant.storage;

import dev.pledge.core.Check;

/**
 * Where in a shard's replicated log a replica's store stands: the term and index of the last entry
 * whose batch it holds. Stored in the same write batch as that entry's records, so the two never
 * disagree after a crash.
 */
public record ReplicatedPosition(long term, long index) {
    public ReplicatedPosition {
        Check.argument(term >= 0, "term must be >= 0, was %s", term);
        Check.argument(index >= 0, "index must be >= 0, was %s", index);
    }
}
