package dev.pledge.participant.runtime;

import dev.pledge.participant.rpc.BranchRunner;
import dev.pledge.runtime.Clock;
import dev.pledge.core.Check;
import dev.pledge.core.Limits;
import dev.pledge.core.TxId;
import dev.pledge.participant.app.BranchWork;
import dev.pledge.participant.app.TxKv;
import dev.pledge.participant.protocol.Event;
import dev.pledge.participant.protocol.Key;
import dev.pledge.participant.protocol.Reply;
import dev.pledge.participant.protocol.Write;
import dev.pledge.participant.storage.ParticipantStore;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.TxContext;
import java.util.Set;
import java.util.TreeSet;
import org.apache.thrift.TException;

/**
 * Runs application operations inside transaction branches: checks the (txId, opSeq) cache, gives
 * the work a {@link TxKv} whose calls block on the core's answers (bounded by the request
 * deadline), and records the result for retries.
 */
public final class BranchExecutor implements BranchRunner {
    /** Longest any single operation waits, whatever deadline the caller sent. */
    static final long MAX_WAIT_MS = 5 * 60_000;

    private final CoreGateway gateway;
    private final ParticipantStore store;
    /** The coordinators this participant serves; operations of another's transactions are refused. */
    private final Set<String> coordinatorIds;
    private final Clock clock;

    BranchExecutor(CoreGateway gateway, ParticipantStore store, Set<String> coordinatorIds, Clock clock) {
        this.gateway = gateway;
        this.store = store;
        this.coordinatorIds = Set.copyOf(coordinatorIds);
        this.clock = clock;
    }

    @SuppressWarnings("unchecked")
    public <R> R execute(TxContext ctx, BranchWork<R> work) throws TException {
        TxId txId = txIdOf(ctx);
        long opSeq = Wire.atLeast("ctx.opSeq", ctx.getOpSeq(), 1);
        long deadlineAtMs = clock.nowMs() + Math.min(Wire.timeLeftMs(ctx.getDeadlineMs()), MAX_WAIT_MS);
        Reply begin = gateway.ask((token, now, view) -> new Event.BeginOp(now, token, txId, opSeq), remaining(deadlineAtMs));
        if (begin instanceof Reply.Cached cached) return (R) cached.result();
        if (begin instanceof Reply.Failed failed) throw Failures.toWire(failed);
        Check.state(begin instanceof Reply.Proceed, "unexpected reply to BeginOp: %s", begin);
        R result;
        try {
            result = work.run(new Kv(txId, opSeq, deadlineAtMs));
        } catch (TException | RuntimeException | Error e) {
            // If it wrote before failing, the branch must not commit half of it (unless a retry completes it).
            try {
                gateway.tell(now -> new Event.OpFailed(now, txId, opSeq));
            } catch (TException notTold) {
                e.addSuppressed(notTold);
            }
            throw e;
        }
        gateway.tell(now -> new Event.EndOp(now, txId, opSeq, result));
        return result;
    }

    private TxId txIdOf(TxContext ctx) throws InvalidArgument {
        TxId txId = Wire.txIdOf("ctx.txId", Wire.required("ctx", ctx).getTxId());
        if (!coordinatorIds.contains(txId.coordinatorId())) {
            throw new InvalidArgument("ctx.txId: transaction " + txId + " is from coordinator " + txId.coordinatorId()
                    + "; this participant works with " + new TreeSet<>(coordinatorIds));
        }
        return txId;
    }

    private long remaining(long deadlineAtMs) {
        return deadlineAtMs - clock.nowMs();
    }

    /** The TxKv of one operation. */
    private final class Kv implements TxKv {
        private final TxId txId;
        private final long opSeq;
        private final long deadlineAtMs;

        Kv(TxId txId, long opSeq, long deadlineAtMs) {
            this.txId = txId;
            this.opSeq = opSeq;
            this.deadlineAtMs = deadlineAtMs;
        }

        @Override
        public byte[] get(byte[] key) throws TException {
            Key k = keyOf(key);
            Reply.Granted g = access(k, Event.AccessMode.READ, null);
            return g.readStore() ? store.get(key) : g.bufferedValue();
        }

        @Override
        public byte[] getForUpdate(byte[] key) throws TException {
            Key k = keyOf(key);
            Reply.Granted g = access(k, Event.AccessMode.READ_FOR_UPDATE, null);
            return g.readStore() ? store.get(key) : g.bufferedValue();
        }

        @Override
        public void put(byte[] key, byte[] value) throws TException {
            Key k = keyOf(key);
            if (value == null) throw new InvalidArgument("value is required (use delete to remove a key)");
            Wire.invalidIf(() -> Limits.checkValue("value", value.length));
            access(k, Event.AccessMode.WRITE, Write.put(k, value));
        }

        @Override
        public void delete(byte[] key) throws TException {
            Key k = keyOf(key);
            access(k, Event.AccessMode.WRITE, Write.delete(k));
        }

        private Reply.Granted access(Key key, Event.AccessMode mode, Write write) throws TException {
            Reply r = gateway.ask((token, now, view) -> new Event.Access(now, token, txId, opSeq, key, mode, write),
                    remaining(deadlineAtMs));
            if (r instanceof Reply.Failed failed) throw Failures.toWire(failed);
            Check.state(r instanceof Reply.Granted, "unexpected reply to Access: %s", r);
            return (Reply.Granted) r;
        }

        private Key keyOf(byte[] key) throws InvalidArgument {
            return Wire.invalidIf(() -> Key.of(key));
        }
    }
}
