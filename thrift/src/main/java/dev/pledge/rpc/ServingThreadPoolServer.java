package dev.pledge.rpc;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.thrift.server.TThreadPoolServer;

/**
 * A TThreadPoolServer that says when it is serving. Thrift's preServe() clears the stop flag, so a
 * stop() that runs before it is lost and the accept loop then spins on the closed socket forever;
 * waiting for this signal before handing the server out closes that window.
 */
final class ServingThreadPoolServer extends TThreadPoolServer {
    private final CountDownLatch serving = new CountDownLatch(1);

    ServingThreadPoolServer(Args args) {
        super(args);
    }

    @Override
    protected boolean preServe() {
        try {
            return super.preServe();
        } finally {
            serving.countDown();
        }
    }

    boolean awaitServing(long timeoutMs) throws InterruptedException {
        return serving.await(timeoutMs, TimeUnit.MILLISECONDS) && isServing();
    }
}
