package dev.pledge.participant.runtime;

import dev.pledge.runtime.Threads;
import dev.pledge.core.TxId;
import dev.pledge.participant.protocol.Event;
import dev.pledge.wire.StatusResponse;
import dev.pledge.wire.UnknownTransaction;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.thrift.TException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps asking the coordinator about branches an operator forced, until it tells their real
 * outcome, and hands that outcome to the core as the decision. Delivery alone would miss a
 * presumed abort (the coordinator has no record to deliver), so a forced commit it contradicts
 * would stay silent; asking makes it HEURISTIC_MIXED like any other contradiction.
 */
final class HeuristicAudit implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeuristicAudit.class);
    static final long PERIOD_MS = 2_000;
    /** Bound on branches asked about per round, so a pile of forced branches cannot flood the coordinator. */
    static final int PER_ROUND_MAX = 100;

    private final String participantId;
    private final HeuristicWatch watch;
    private final CoordinatorLink link;
    private final CoreGateway gateway;
    private final long callMs;
    private final ScheduledExecutorService thread;

    HeuristicAudit(String participantId, HeuristicWatch watch, CoordinatorLink link, CoreGateway gateway, long callMs) {
        this.participantId = participantId;
        this.watch = watch;
        this.link = link;
        this.gateway = gateway;
        this.callMs = callMs;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> Threads.daemon(r, "participant-" + participantId + "-heuristic-audit"));
    }

    void start() {
        thread.scheduleWithFixedDelay(this::round, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    private void round() {
        for (TxId txId : watch.unsettled(PER_ROUND_MAX)) {
            try {
                StatusResponse s = link.statusNow(txId, callMs);
                switch (s.getState()) {
                    case COMMITTED, ABORTED -> apply(txId, s.getState() == dev.pledge.wire.TxState.COMMITTED);
                    case FORGOTTEN -> watch.settle(txId);
                    case ACTIVE, PREPARING -> { } // not decided yet: ask again next round
                }
            } catch (UnknownTransaction e) {
                watch.settle(txId); // not this coordinator's: there is nothing to learn
            } catch (TException | RuntimeException e) {
                return; // coordinator unreachable: the next round tries again
            }
        }
    }

    /** Posts the real decision as if delivered; the core compares it with the forced one and records MIXED if they differ. */
    private void apply(TxId txId, boolean committed) {
        try {
            gateway.ask((token, now, view) -> committed ? new Event.Commit(now, token, txId) : new Event.Abort(now, token, txId),
                    callMs);
            watch.settle(txId);
        } catch (dev.pledge.wire.Unavailable e) {
            log.debug("participant {} tx {} real outcome not applied yet ({}); next round", participantId, txId, e.getMessage());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
