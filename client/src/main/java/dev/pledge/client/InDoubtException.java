package dev.pledge.client;

import dev.pledge.core.TxId;

/**
 * The outcome of a commit could not be learned by the transaction's deadline plus the grace
 * period: it may have committed or aborted. Ask again later with {@link PledgeClient#status(TxId,
 * java.util.Collection)}. {@link #txId} is null for a buffered commit that never got an answer.
 */
public final class InDoubtException extends Exception {
    private final transient TxId txId;

    public InDoubtException(TxId txId, String message, Throwable cause) {
        super("transaction " + txId + " is in doubt: " + message, cause);
        this.txId = txId;
    }

    public TxId txId() {
        return txId;
    }
}
