package dev.pledge.sim;

/** Counters of one run, for the throughput report. */
public final class Stats {
    long steps;
    long drops;
    long duplicates;
    long slowed;
    long crashes;
    long partitions;
    long unsyncedBatchesLost;
    long committed;
    long aborted;
    long inDoubt;
    long mutationsFired;
    long peerQuestions;
    long writeOnly;
    long writeRetries;
    long voteFlips;

    public long steps() {
        return steps;
    }

    /** Injected faults: dropped, duplicated and slowed packets, crashes, partition changes. */
    public long faults() {
        return drops + duplicates + slowed + crashes + partitions;
    }

    public long committed() {
        return committed;
    }

    public long aborted() {
        return aborted;
    }

    public long mutationsFired() {
        return mutationsFired;
    }

    public long inDoubt() {
        return inDoubt;
    }

    void add(Stats o) {
        steps += o.steps;
        drops += o.drops;
        duplicates += o.duplicates;
        slowed += o.slowed;
        crashes += o.crashes;
        partitions += o.partitions;
        unsyncedBatchesLost += o.unsyncedBatchesLost;
        committed += o.committed;
        aborted += o.aborted;
        inDoubt += o.inDoubt;
        mutationsFired += o.mutationsFired;
        peerQuestions += o.peerQuestions;
        writeOnly += o.writeOnly;
        writeRetries += o.writeRetries;
        voteFlips += o.voteFlips;
    }

    @Override
    public String toString() {
        return "steps=" + steps + " drops=" + drops +  " dups=" + duplicates + " slowed=" + slowed + " crashes=" + crashes + " partitions="
                + partitions + " lostBatches=" + unsyncedBatchesLost + " committed=" + committed + " aborted=" + aborted
                + " inDoubt=" + inDoubt + " writeOnly=" + writeOnly + " writeRetries=" + writeRetries + " voteFlips=" + voteFlips
                + " peerQuestions=" + peerQuestions + " mutationsFired=" + mutationsFired;
    }
}
