package dev.pledge.chaos.check;

/** What a client was told about a transaction. */
public enum Seen {
    COMMITTED,
    /** Aborted, by the protocol or by the client after a business rule said no. */
    ABORTED,
    /** Commit was asked and no decision came back in time. */
    IN_DOUBT
}
