package dev.pledge.coordinator.rpc;

import dev.pledge.coordinator.protocol.Reply;
import dev.pledge.coordinator.protocol.Write;
import dev.pledge.core.Check;
import dev.pledge.core.Limits;
import dev.pledge.rpc.Wire;
import dev.pledge.wire.BranchWrites;
import dev.pledge.wire.KvWrite;
import dev.pledge.wire.Outcome;
import dev.pledge.wire.TxState;
import dev.pledge.wire.WriteResult;
import dev.pledge.wire.WriteTransaction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Write-only transactions at the wire's edge: checks, conversion to core types, and their results. */
final class WriteTransactions {
    private WriteTransactions() {}

    /** Why the transaction is malformed or over a {@link Limits limit} (nothing is done for it), or null. */
    static String check(WriteTransaction tx) {
        if (tx == null) return "a transaction is null";
        byte[] key = tx.getRequestKey();
        if (key == null || key.length < Limits.REQUEST_KEY_BYTES_MIN || key.length > Limits.REQUEST_KEY_BYTES_MAX) {
            return "requestKey must be " + Limits.REQUEST_KEY_BYTES_MIN + " to " + Limits.REQUEST_KEY_BYTES_MAX
                    + " bytes (Limits.REQUEST_KEY_BYTES_MIN, _MAX), was " + (key == null ? "unset" : key.length);
        }
        if (tx.getBranches() == null) return "branches is required";
        if (tx.getTxTimeoutMs() < 0) return "txTimeoutMs must be >= 0, was " + tx.getTxTimeoutMs();
        try {
            checkBranches(tx.getBranches());
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return null;
    }

    /** IllegalArgumentException naming what is malformed or over its limit. */
    private static void checkBranches(List<BranchWrites> branches) {
        Limits.checkSize("branches", branches.size(), "participants", Limits.PARTICIPANTS_PER_TX_MAX,
                "PARTICIPANTS_PER_TX_MAX");
        Set<String> seen = new HashSet<>();
        for (BranchWrites b : branches) {
            Check.argument(b != null && b.getWrites() != null, "every branch needs a participantId and writes");
            String id = Limits.checkId("participantId", b.getParticipantId());
            Check.argument(seen.add(id), "participant '%s' appears twice", id);
            Limits.checkSize("writes to participant '" + id + "'", b.getWritesSize(), "writes",
                    Limits.WRITES_PER_BRANCH_MAX, "WRITES_PER_BRANCH_MAX");
            for (KvWrite w : b.getWrites()) {
                Check.argument(w != null && w.getKey() != null && w.getKey().length > 0,
                        "a write to participant '%s' has no key", id);
                Limits.checkKey("a key written to participant '" + id + "'", w.getKey().length);
                if (w.isSetValue()) Limits.checkValue("a value written to participant '" + id + "'", w.getValue().length);
            }
        }
    }

    static String requestKey(WriteTransaction tx) {
        return HexFormat.of().formatHex(tx.getRequestKey());
    }

    /** Each participant's writes, in the client's order. Call after {@link #check}. */
    static Map<String, List<Write>> writes(WriteTransaction tx) {
        Map<String, List<Write>> out = new LinkedHashMap<>();
        for (BranchWrites b : tx.getBranches()) {
            List<Write> writes = new ArrayList<>(b.getWritesSize());
            for (KvWrite w : b.getWrites()) writes.add(new Write(w.getKey(), w.isSetValue() ? w.getValue() : null));
            out.put(b.getParticipantId(), writes);
        }
        return out;
    }

    /** The wire result for the core's reply; null (no reply in time) asks the client to retry with its key. */
    static WriteResult result(Reply.Value value) {
        if (value instanceof Reply.Written w) {
            WriteResult result = new WriteResult(outcome(w.outcome()));
            return w.txId() == null ? result : result.setTxId(Wire.toWire(w.txId()));
        }
        if (value instanceof Reply.ErrorReply e && e.kind() == Reply.ErrorKind.INVALID) {
            return new WriteResult(new Outcome(TxState.ABORTED).setMessage(e.message())).setInvalid(e.message());
        }
        String why = value instanceof Reply.ErrorReply e ? e.message() : "no decision within the request's deadline";
        return new WriteResult(new Outcome(TxState.PREPARING).setMessage(why + "; retry with the same request key"));
    }

    private static Outcome outcome(Reply.Value value) {
        if (value instanceof Reply.OutcomeReply o) return WireReplies.outcome(o);
        Reply.ErrorReply e = (Reply.ErrorReply) value;
        return new Outcome(e.state() == null ? TxState.ABORTED : Wire.toWire(e.state())).setMessage(e.message());
    }
}
