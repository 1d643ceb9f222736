package dev.pledge.xa;

import java.util.concurrent.atomic.AtomicBoolean;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/** A resource whose first phase-two commit is lost on the way (the manager sees XAER_RMFAIL); all else passes through. */
final class CommitLostOnce implements XAResource {
    private final XAResource delegate;
    private final AtomicBoolean lost = new AtomicBoolean();

    CommitLostOnce(XAResource delegate) {
        this.delegate = delegate;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        if (!onePhase && lost.compareAndSet(false, true)) {
            XAException e = new XAException("commit lost on the way (test)");
            e.errorCode = XAException.XAER_RMFAIL;
            throw e;
        }
        delegate.commit(xid, onePhase);
    }

    @Override public void start(Xid xid, int flags) throws XAException { delegate.start(xid, flags); }
    @Override public void end(Xid xid, int flags) throws XAException { delegate.end(xid, flags); }
    @Override public int prepare(Xid xid) throws XAException { return delegate.prepare(xid); }
    @Override public void rollback(Xid xid) throws XAException { delegate.rollback(xid); }
    @Override public void forget(Xid xid) throws XAException { delegate.forget(xid); }
    @Override public Xid[] recover(int flag) throws XAException { return delegate.recover(flag); }
    @Override public boolean isSameRM(XAResource other) throws XAException { return delegate.isSameRM(other); }
    @Override public int getTransactionTimeout() throws XAException { return delegate.getTransactionTimeout(); }
    @Override public boolean setTransactionTimeout(int seconds) throws XAException { return delegate.setTransactionTimeout(seconds); }
}
