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
    long diskLosses;
    /** Replicas of a replicated participant lost with their disks: the shard crashed and kept its synced records. */
    long replicaLosses;
    /** Committed transactions the coordinator reported damaged (a participant lost their writes). */
    long damageReported;
    /** Damaged transactions nobody can report: the coordinator lost its records of them too. */
    long damageUnreportable;
    /** One-phase commits whose only trace was lost with a disk before anyone heard of it. */
    long decisionsLost;
    /** Branches left in doubt because their coordinator lost its records (excused from I6, by design). */
    /** Audits not held to the bank's total: a participant had lost its disk (the bank sum check still runs). */
    long auditsUnchecked;

    public long steps() {
        return steps;
    }

    /** Injected faults: dropped, duplicated and slowed packets, crashes, disk losses, partition changes. */
    public long faults() {
        return drops + duplicates + slowed + crashes + diskLosses + replicaLosses + partitions;
    }

    public long diskLosses() {
        return diskLosses;
    }

    public long replicaLosses() {
        return replicaLosses;
    }

    public long auditsUnchecked() {
        return auditsUnchecked;
    }

    public long damageUnreportable() {
        return damageUnreportable;
    }

    public long damageReported() {
        return damageReported;
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
        diskLosses += o.diskLosses;
        replicaLosses += o.replicaLosses;
        damageReported += o.damageReported;
        damageUnreportable += o.damageUnreportable;
        decisionsLost += o.decisionsLost;
        auditsUnchecked += o.auditsUnchecked;
    }

    @Override
    public String toString() {
        return "steps=" + steps + " drops=" + drops +  " dups=" + duplicates + " slowed=" + slowed + " crashes=" + crashes
                + " diskLosses=" + diskLosses + " replicaLosses=" + replicaLosses + " partitions=" + partitions + " lostBatches=" + unsyncedBatchesLost + " committed=" + committed + " aborted=" + aborted
                + " inDoubt=" + inDoubt + " writeOnly=" + writeOnly + " writeRetries=" + writeRetries + " voteFlips=" + voteFlips
                + " peerQuestions=" + peerQuestions + " damaged=" + damageReported + " damageUnreportable=" + damageUnreportable
                + " decisionsLost=" + decisionsLost
                + " auditsUnchecked=" + auditsUnchecked
                + " mutationsFired=" + mutationsFired;
    }
}
