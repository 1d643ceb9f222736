package dev.pledge.sim;

/** Counters of one run, for the throughput report. */
public final class Stats {
    long steps;
    long drops;
    long duplicates;
    long crashes;
    long partitions;
    long unsyncedBatchesLost;
    long committed;
    long aborted;
    long inDoubt;

    public long steps() {
        return steps;
    }

    /** Injected faults: dropped and duplicated packets, crashes, partition changes. */
    public long faults() {
        return drops + duplicates + crashes + partitions;
    }

    public long committed() {
        return committed;
    }

    public long aborted() {
        return aborted;
    }

    public long inDoubt() {
        return inDoubt;
    }

    void add(Stats o) {
        steps += o.steps;
        drops += o.drops;
        duplicates += o.duplicates;
        crashes += o.crashes;
        partitions += o.partitions;
        unsyncedBatchesLost += o.unsyncedBatchesLost;
        committed += o.committed;
        aborted += o.aborted;
        inDoubt += o.inDoubt;
    }

    @Override
    public String toString() {
        return "steps=" + steps + " drops=" + drops + " dups=" + duplicates + " crashes=" + crashes + " partitions="
                + partitions + " lostBatches=" + unsyncedBatchesLost + " committed=" + committed + " aborted=" + aborted
                + " inDoubt=" + inDoubt;
    }
}
