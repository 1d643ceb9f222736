package dev.pledge.sim;

/** What a node's store holds, as its production storage adapter lays it out (keys, not a log). */
interface DiskState<S extends DiskState<S>> {
    S copy();

    void apply(Object record);

    /** Canonical text of the content, for state hashing. */
    String describe();
}
