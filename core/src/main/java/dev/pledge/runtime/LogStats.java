package dev.pledge.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How well fsyncs are shared: batches written, how many synced, the records and entries they
 * carried, how many entries asked for a sync, the largest batch (in entries), and how many
 * batches waited for company (linger). {@code entries / batches} is the mean group size.
 */
public record LogStats(long batches, long syncs, long records, long entries, long syncedEntries,
                       long batchEntriesMax, long lingered) {

    public double entriesPerBatchMean() {
        return batches == 0 ? 0 : (double) entries / batches;
    }

    /** The figures under the names both node kinds report in Admin stats. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("log.batches", batches);
        m.put("log.syncs", syncs);
        m.put("log.records", records);
        m.put("log.submissions", entries);
        m.put("log.synced_submissions", syncedEntries);
        m.put("log.batch_submissions_max", batchEntriesMax);
        m.put("log.batch_submissions_mean_x100", Math.round(entriesPerBatchMean() * 100));
        m.put("log.lingered_batches", lingered);
        return m;
    }
}
