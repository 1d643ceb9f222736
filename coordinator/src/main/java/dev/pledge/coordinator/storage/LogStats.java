package dev.pledge.coordinator.storage;

/**
 * Group-commit figures: how many batches were written, how many of them synced, how many records
 * and submissions they carried. {@code submissions / batches} is the mean group size.
 */
public record LogStats(long batches, long syncs, long records, long submissions, long syncedSubmissions,
                       long batchSubmissionsMax) {

    public double submissionsPerBatchMean() {
        return batches == 0 ? 0 : (double) submissions / batches;
    }
}
