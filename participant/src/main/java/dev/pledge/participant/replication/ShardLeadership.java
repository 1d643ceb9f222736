package dev.pledge.participant.replication;

/**
 * What a replica hears about its shard's leadership, in Ratis's own threads: handle quickly and
 * never wait on the group from here (the apply thread calls {@link #leading}).
 */
interface ShardLeadership {
    ShardLeadership IGNORED = new ShardLeadership() {};

    /** This replica leads in {@code term}, and its store holds every entry committed before the term began. */
    default void leading(long term) {}

    /** This replica no longer leads (it may not have learned who does). */
    default void notLeading() {}

    /** {@code replicaId} leads now (possibly this replica). */
    default void leaderIs(String replicaId) {}
}
