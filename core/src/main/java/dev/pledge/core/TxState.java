package dev.pledge.core;

/** Global transaction state as clients see it. Mirrors the wire enum of the same name. */
public enum TxState {
    ACTIVE, PREPARING, COMMITTED, ABORTED, FORGOTTEN;

    public boolean isFinal() {
        return this == COMMITTED || this == ABORTED || this == FORGOTTEN;
    }
}
