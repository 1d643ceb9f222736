package dev.pledge.participant.app;

import org.apache.thrift.TException;

/**
 * The transaction's view of this participant's data, given to {@link BranchWork}. Each call takes
 * the key's lock (shared for get, exclusive for put/delete; strict 2PL) and may block while an
 * older transaction holds it. Writes are buffered in the branch and applied only at commit.
 *
 * <p>Failures are thrown as wire exceptions the app can pass on: {@code NotAllowed} (the branch was
 * aborted: wait-die, lock timeout, deadline...), {@code InvalidArgument}, {@code Unavailable}.
 */
public interface TxKv {
    /** The value as this transaction sees it (its own writes first, then committed data), or null. */
    byte[] get(byte[] key) throws TException;

    /**
     * Like {@link #get} but takes the exclusive lock now: use it for read-modify-write, so two
     * transactions do not both read under shared locks and then die upgrading.
     */
    byte[] getForUpdate(byte[] key) throws TException;

    void put(byte[] key, byte[] value) throws TException;

    void delete(byte[] key) throws TException;
}
