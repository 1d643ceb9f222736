package dev.pledge.client;

import dev.pledge.rpc.RpcException;
import dev.pledge.wire.WriteTransaction;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the sends of one buffered commit go: to one coordinator, left for the next only while no
 * send may have reached it. A coordinator that may hold the request key must get every retry, or
 * a second coordinator would run the same writes as a second transaction; so at most one
 * coordinator ever sees a given request.
 */
final class CommitRoute {
    private static final Logger log = LoggerFactory.getLogger(CommitRoute.class);

    private final List<CoordinatorClient> order;
    private int at;
    private boolean mayHaveReached;
    private int sendsHere;

    CommitRoute(List<CoordinatorClient> order) {
        this.order = order;
    }

    CoordinatorClient coordinator() {
        return order.get(at);
    }

    /** Before each send: from the second send on, this coordinator may have seen it (WriteTransaction.resend). */
    void beforeSend(WriteTransaction request) {
        if (sendsHere++ > 0) request.setResend(true);
    }

    void answered() {
        mayHaveReached = true;
    }

    /** After a send failed with {@code e}: moves on to the next coordinator if no send provably reached this one. */
    void failed(Exception e) {
        mayHaveReached |= !(e instanceof RpcException r && r.neverSent());
        if (mayHaveReached || order.size() == 1) return;
        CoordinatorClient from = coordinator();
        at = (at + 1) % order.size();
        sendsHere = 0;
        log.info("pledge-client buffered commit never reached {} ({}); sending it to {}",
                from, e.toString(), coordinator());
    }
}
